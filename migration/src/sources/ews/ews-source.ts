// Exchange (2013 to Subscription Edition, and Exchange Online) through EWS:
// the folder tree with the well-known folders as special-use and default
// collections, mail as MIME with read/flag/answered/forwarded state,
// categories and received date; calendars, contacts and tasks converted to
// iCalendar and vCard. A service account with ApplicationImpersonation acts
// as every mailbox; otherwise each user's own credentials (Basic, or an
// OAuth bearer token for Exchange Online).
import type { CollectionKind, ItemRef, SourceFolder, SpecialUse } from '../../model.ts';
import { keywordOf } from '../../engine/keywords.ts';
import { MalformedError } from '../../groupware/objects.ts';
import { createHttpClient } from '../http-client.ts';
import { SourceError, type FetchResult, type MigrationSource, type SourceSession, type SourceUser } from '../source.ts';
import { calendarItemToICalendar, modifiedOccurrenceIds } from './ews-calendar.ts';
import { exportItems, findFolders, findItems, getFullItems, getMime, getMimeStream, wellKnownFolders, type EwsItemSummary, type WellKnown } from './ews-client.ts';
import { contactToVCard, taskToVTodo } from './ews-contact-task.ts';
import { ftsToMime } from './fts-mime.ts';
import type { EwsConnection } from './soap.ts';

export interface EwsSourceConfig {
  /** https://host/EWS/Exchange.asmx */
  url: string;
  auth?: 'basic' | 'bearer';
  /** ApplicationImpersonation: the admin credentials act as each user's mailbox (user identity = its SMTP address). */
  impersonation?: boolean;
  adminUser?: string | null;
  /** The admin's password, or the bearer token when auth is "bearer". */
  adminSecret?: string | null;
  verifyCertificate?: boolean;
  /** Messages above this size are streamed one per GetItem. */
  streamAbove?: number;
}

interface EwsRef extends ItemRef { item: EwsItemSummary }

const SPECIAL: Partial<Record<WellKnown, SpecialUse>> = { sentitems: '\\Sent', deleteditems: '\\Trash', drafts: '\\Drafts', junkemail: '\\Junk' };
const BATCH_BYTES = 8 * 1024 * 1024;

function kindOf(folderClass: string): CollectionKind | null {
  if (folderClass === '' || folderClass === 'IPF.Note' || folderClass === 'IPF' || folderClass.startsWith('IPF.Note.') && folderClass !== 'IPF.Note.OutlookHomepage') return 'mail';
  if (folderClass === 'IPF.Appointment') return 'calendar';
  if (folderClass === 'IPF.Contact') return 'contacts';
  if (folderClass === 'IPF.Task') return 'tasks';
  return null;
}

export function ewsSource(config: EwsSourceConfig): MigrationSource {
  const host = new URL(config.url).host;
  const streamAbove = config.streamAbove ?? 1024 * 1024;
  return {
    kind: 'ews',
    limitKey: () => `ews:${host}`,
    identity: (user) => `ews:${user.identity}@${config.url}`,
    async open(user: SourceUser, signal): Promise<SourceSession> {
      const bearer = config.auth === 'bearer';
      let authorization: string;
      if (config.impersonation) {
        if (!config.adminSecret) throw new SourceError('auth', 'impersonation needs the service account\'s password or token');
        authorization = bearer ? `Bearer ${config.adminSecret}` : `Basic ${Buffer.from(`${config.adminUser ?? ''}:${config.adminSecret}`).toString('base64')}`;
      } else {
        if (!user.secret) throw new SourceError('auth', `no password or token for ${user.identity}`);
        authorization = bearer ? `Bearer ${user.secret}` : `Basic ${Buffer.from(`${user.identity}:${user.secret}`).toString('base64')}`;
      }
      const http = createHttpClient({ verifyCertificate: config.verifyCertificate });
      const conn: EwsConnection = { url: config.url, http, authorization, impersonate: config.impersonation ? user.identity : null, signal };
      let wellKnown: Map<string, WellKnown>;
      try {
        wellKnown = await wellKnownFolders(conn);
      } catch (err) {
        http.close();
        throw err;
      }
      return {
        async folders() {
          const all = await findFolders(conn);
          const byId = new Map(all.map((f) => [f.id, f]));
          const rootId = [...wellKnown].find(([, w]) => w === 'msgfolderroot')?.[0] ?? null;
          const pathOf = (id: string): string[] => {
            const levels: string[] = [];
            for (let f = byId.get(id); f; f = f.parentId && f.parentId !== rootId ? byId.get(f.parentId) : undefined) {
              // The inbox is INBOX whatever its display language, and so are its subfolders' first level.
              levels.unshift(wellKnown.get(f.id) === 'inbox' ? 'INBOX' : f.displayName.replace(/\//g, '_'));
              if (levels.length > 64) break;
            }
            return levels;
          };
          return all.map((f): SourceFolder => {
            const well = wellKnown.get(f.id);
            const kind = kindOf(f.folderClass);
            const path = well === 'inbox' ? ['INBOX'] : pathOf(f.id);
            const skip = kind === null ? `${f.folderClass} folders (notes, journal, settings, suggested contacts …) are not imported`
              : well === 'outbox' ? 'the Outbox holds mail not sent yet' : null;
            return {
              key: f.id, path, kind: kind ?? 'mail', specialUse: well ? SPECIAL[well] ?? null : null, validity: 'ews',
              count: f.totalCount ?? undefined, isDefault: well === 'calendar' || well === 'contacts' || well === 'tasks', skipReason: skip,
            };
          });
        },
        async *items(folder) {
          for await (const item of findItems(conn, folder.key)) {
            const ref: EwsRef = { key: item.id, size: item.size ?? undefined, item };
            yield ref;
          }
        },
        async *fetch(folder, refs): AsyncIterable<FetchResult> {
          const list = refs as readonly EwsRef[];
          // From the folder itself: a session opened again after a dropped connection has listed nothing yet.
          const kind = folder.kind;
          if (kind === 'mail') {
            yield* fetchMail(conn, list, streamAbove);
            return;
          }
          for (let i = 0; i < list.length; i += 20) {
            const chunk = list.slice(i, i + 20);
            const full = await getFullItems(conn, chunk.map((r) => r.key), kind === 'calendar' ? 'calendar' : kind === 'contacts' ? 'contact' : 'task');
            for (const [j, r] of chunk.entries()) {
              const node = full[j];
              if (node instanceof SourceError) {
                if (node.kind === 'busy') throw node;
                yield { ref: r, error: node };
                continue;
              }
              try {
                if (kind === 'calendar') {
                  const occurrenceIds = modifiedOccurrenceIds(node);
                  const overrides = occurrenceIds.length > 0 ? await getFullItems(conn, occurrenceIds, 'calendar') : [];
                  const failed = overrides.find((o) => o instanceof SourceError);
                  if (failed) throw failed;
                  yield { ref: r, item: { kind: 'event', text: calendarItemToICalendar(node, overrides as never).ics } };
                } else if (kind === 'contacts') {
                  if (r.item.itemClass.startsWith('IPM.DistList')) throw new MalformedError('contact groups (distribution lists) are not imported as vCards');
                  yield { ref: r, item: { kind: 'contact', text: contactToVCard(node).vcf } };
                } else {
                  yield { ref: r, item: { kind: 'task', text: taskToVTodo(node).ics } };
                }
              } catch (err) {
                if (err instanceof SourceError && (err.kind === 'busy' || err.kind === 'transient')) throw err;
                yield { ref: r, error: err as Error };
              }
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

function flagsOf(item: EwsItemSummary): { flags: string[]; keywords: string[] } {
  const flags: string[] = [];
  const keywords: string[] = [];
  if (item.isRead) flags.push('\\Seen');
  if (item.isDraft) flags.push('\\Draft');
  if (item.flagged) flags.push('\\Flagged');
  // MS-OXOMSG §2.2.1.43 PidTagLastVerbExecuted: 102 reply, 103 reply all, 104 forward.
  if (item.lastVerb === 102 || item.lastVerb === 103) flags.push('\\Answered');
  if (item.lastVerb === 104) keywords.push('$Forwarded');
  for (const c of item.categories) {
    const k = keywordOf(c);
    if (k) keywords.push(k);
  }
  return { flags, keywords };
}

/** Exchange could not make MIME of these: its full-fidelity export is turned into MIME here instead. */
const NO_MIME = new Set(['ErrorMimeContentConversionFailed', 'ErrorMimeContentInvalid', 'ErrorMimeContentInvalidBase64String']);

async function* fetchMail(conn: EwsConnection, refs: readonly EwsRef[], streamAbove: number): AsyncIterable<FetchResult> {
  const meta = (r: EwsRef) => ({ ...flagsOf(r.item), internalDate: r.item.received ? new Date(r.item.received) : null });
  for (let i = 0; i < refs.length;) {
    const r = refs[i];
    if ((r.size ?? 0) > streamAbove) {
      i++;
      let taken = false;
      const stream = await getMimeStream(conn, r.key);
      yield {
        ref: r,
        item: {
          kind: 'message', ...meta(r),
          body: () => {
            if (taken) throw new Error('the MIME stream was already read');
            taken = true;
            return stream;
          },
        },
      };
      continue;
    }
    const group: EwsRef[] = [];
    let bytes = 0;
    while (i < refs.length && (refs[i].size ?? 0) <= streamAbove && group.length < 50 && (group.length === 0 || bytes + (refs[i].size ?? 0) <= BATCH_BYTES)) {
      bytes += refs[i].size ?? 0;
      group.push(refs[i++]);
    }
    const mime = await getMime(conn, group.map((g) => g.key));
    const retry = mime.find((m) => m instanceof SourceError && m.kind === 'busy');
    if (retry) throw retry;
    for (const [j, g] of group.entries()) {
      const m = mime[j];
      if (m instanceof SourceError) {
        const code = /^(\w+):/.exec(m.message)?.[1] ?? '';
        if (NO_MIME.has(code)) {
          const [exported] = await exportItems(conn, [g.key]);
          if (exported instanceof SourceError) yield { ref: g, error: exported };
          else {
            try {
              yield { ref: g, item: { kind: 'message', ...meta(g), body: ftsToMime(exported) } };
            } catch (err) {
              yield { ref: g, error: new MalformedError(`Exchange could not give MIME (${code}) and its export could not be read: ${(err as Error).message}`) };
            }
          }
          continue;
        }
        yield { ref: g, error: m };
      } else if (m === undefined || m.length === 0) {
        yield { ref: g, error: new Error('Exchange returned no MIME content for this item') };
      } else {
        yield { ref: g, item: { kind: 'message', ...meta(g), body: m } };
      }
    }
  }
}
