// Calendars, task lists and address books from any CalDAV/CardDAV server
// (Kerio Connect, SOGo, Zimbra, Nextcloud, Radicale, Stoa itself): one
// folder per collection, one item per resource keyed by its URL, data read
// in multiget batches. A user's only calendar (or address book) fills
// Stoa's default one.
import type { CollectionKind, ItemRef, SourceFolder } from '../../model.ts';
import { createHttpClient } from '../http-client.ts';
import type { FetchResult, MigrationSource, SourceSession, SourceUser } from '../source.ts';
import { SourceError } from '../source.ts';
import { DavClient, type DavCollection } from './dav-client.ts';

export interface DavSourceConfig {
  /** Server root, well-known URI, principal or home URL. */
  url: string;
  /** The CardDAV side when it lives elsewhere. */
  carddavUrl?: string;
  /** "basic": login and password; "bearer": the secret is an OAuth 2.0 access token. */
  auth?: 'basic' | 'bearer';
  verifyCertificate?: boolean;
  /** Resources per multiget. */
  batch?: number;
}

interface DavRef extends ItemRef { href: string }

export function davSource(config: DavSourceConfig): MigrationSource {
  const host = new URL(config.url).host;
  return {
    kind: 'dav',
    limitKey: () => `dav:${host}`,
    identity: (user) => `dav:${user.identity}@${config.url}`,
    async open(user: SourceUser, signal): Promise<SourceSession> {
      if (!user.secret) throw new SourceError('auth', `no password or token for ${user.identity}`);
      const http = createHttpClient({ verifyCertificate: config.verifyCertificate });
      const header = config.auth === 'bearer' ? `Bearer ${user.secret}` : `Basic ${Buffer.from(`${user.identity}:${user.secret}`).toString('base64')}`;
      const dav = new DavClient(http, { header }, signal);
      const byKey = new Map<string, DavCollection>();
      // After a reconnect this session has listed nothing: the folder itself says what the collection is.
      const collectionOf = (folder: SourceFolder): DavCollection => byKey.get(folder.key)
        ?? { href: folder.key, kind: folder.kind === 'mail' ? 'calendar' : folder.kind, displayName: folder.path.join('/'), components: [], syncToken: null };
      return {
        async folders() {
          const homes = await dav.homes(config.url);
          const extra = config.carddavUrl ? await dav.homes(config.carddavUrl) : null;
          const found = new Map<string, DavCollection>();
          for (const home of new Set([homes.calendar, homes.contacts, extra?.contacts].filter((h): h is string => typeof h === 'string'))) {
            for (const c of await dav.collections(home)) found.set(c.href, c);
          }
          const perKind = (k: CollectionKind) => [...found.values()].filter((c) => c.kind === k).length;
          return [...found.values()].map((c): SourceFolder => {
            byKey.set(c.href, c);
            return { key: c.href, path: [c.displayName.replace(/\//g, '_')], kind: c.kind, specialUse: null, validity: 'dav', isDefault: perKind(c.kind) === 1 };
          });
        },
        async *items(folder) {
          const c = collectionOf(folder);
          for (const m of await dav.members(c)) yield { key: new URL(m.href).pathname, href: m.href } satisfies DavRef;
        },
        async *fetch(folder, refs): AsyncIterable<FetchResult> {
          const c = collectionOf(folder);
          const batch = config.batch ?? 50;
          const list = refs as readonly DavRef[];
          const kind = c.kind === 'contacts' ? 'contact' : c.kind === 'tasks' ? 'task' : 'event';
          for (let i = 0; i < list.length; i += batch) {
            const chunk = list.slice(i, i + batch);
            const got = await dav.multiget(c, chunk.map((r) => r.href));
            for (const r of chunk) {
              const answer = got.get(r.href);
              if (answer && 'data' in answer) yield { ref: r, item: { kind, text: answer.data } };
              else yield { ref: r, error: new Error(`the server returned no data: ${answer && 'status' in answer ? answer.status : 'missing from the multiget answer'}`) };
            }
          }
        },
        async close() {
          http.close();
        },
      };
    },
  };
}
