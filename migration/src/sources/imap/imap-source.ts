// Any IMAP server (Exchange's IMAP, Dovecot, Gmail, Kerio, Zimbra …) read
// through imapflow: folders from LIST with their special-use (RFC 6154
// SPECIAL-USE or XLIST), below the personal namespace (RFC 2342); messages
// keyed by UID under UIDVALIDITY (RFC 9051 §2.3.1.1) with flags, keywords
// and INTERNALDATE. Small messages are fetched many per FETCH; large ones
// stream in chunks (imapflow's download), never held whole.
import { ImapFlow, type ListResponse } from 'imapflow';
import type { ItemRef, SourceFolder, SpecialUse } from '../../model.ts';
import { isConnectionError, SourceError, type FetchResult, type MigrationSource, type SourceSession, type SourceUser } from '../source.ts';
import { applyConventions, detectFlavor, type ImapFlavor } from './conventions.ts';

export interface ImapSourceConfig {
  host: string;
  port: number;
  /** "implicit": TLS from the start (993); "starttls"; "none": plain text (tests, trusted networks only). */
  tls: 'implicit' | 'starttls' | 'none';
  /** Verify the server's certificate (default true). */
  verifyCertificate?: boolean;
  /** A master/admin login that may act as every user (SASL PLAIN authorization identity, RFC 4616 §2: Dovecot master users, Zimbra, Cyrus). */
  admin?: { user: string; password: string } | null;
  /** The users' secrets are OAuth 2.0 access tokens (XOAUTH2/OAUTHBEARER, Gmail and Exchange Online). */
  oauth?: boolean;
  /** Import Gmail's All Mail as Archive instead of leaving it out. */
  gmailAllMail?: boolean;
  /** Bytes fetched per FETCH of small messages. */
  fetchBytes?: number;
  /** Messages above this size are downloaded as a stream. */
  streamAbove?: number;
  socketTimeoutMs?: number;
}

const RFC6154: ReadonlySet<string> = new Set(['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive', '\\All', '\\Flagged']);

interface ImapRef extends ItemRef { uid: number }

/** Classifies imapflow's failures the way the engine retries them. */
export function imapError(err: unknown, what: string): SourceError {
  if (err instanceof SourceError) return err;
  const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string; code?: string; message?: string };
  const text = e.responseText ?? e.message ?? String(err);
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED' || e.serverResponseCode === 'AUTHORIZATIONFAILED') {
    return new SourceError('auth', `${what}: ${text}`, { cause: err });
  }
  // RFC 5530: UNAVAILABLE and LIMIT are "try later"; a dropped or timed-out connection is worth a reconnect.
  if (e.serverResponseCode === 'UNAVAILABLE' || e.serverResponseCode === 'LIMIT' || /too many|try again|busy/i.test(text)) {
    return new SourceError('busy', `${what}: ${text}`, { cause: err });
  }
  if (isConnectionError(err) || e.code === 'NoConnection' || e.code === 'ETIMEOUT' || e.code === 'CONNECT_TIMEOUT' || e.code === 'EConnectionClosed' || /connection (closed|not available)|socket/i.test(text)) {
    return new SourceError('transient', `${what}: ${text}`, { cause: err });
  }
  return new SourceError('fatal', `${what}: ${text}`, { cause: err });
}

/** UID sets for FETCH: "1:5,7,9:12". */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function levelsOf(entry: ListResponse, personalPrefix: string): string[] {
  let path = entry.path;
  if (personalPrefix && path !== 'INBOX' && path.startsWith(personalPrefix)) path = path.slice(personalPrefix.length);
  return entry.delimiter ? path.split(entry.delimiter) : [path];
}

export function imapSource(config: ImapSourceConfig): MigrationSource {
  const fetchBytes = config.fetchBytes ?? 8 * 1024 * 1024;
  const streamAbove = config.streamAbove ?? 1024 * 1024;
  /** Whether this source has been reached once in this run: only then is a refused connection worth retrying. */
  let reached = false;

  async function connect(user: SourceUser, signal: AbortSignal): Promise<ImapFlow> {
    const secret = user.secret;
    const auth = config.admin
      ? { user: config.admin.user, pass: config.admin.password, authzid: user.identity }
      : config.oauth
        ? { user: user.identity, accessToken: secret ?? '' }
        : { user: user.identity, pass: secret ?? '' };
    if (!config.admin && (secret === null || secret === '')) throw new SourceError('auth', `no password for ${user.identity} (give one in the users CSV or --password-file)`);
    const client = new ImapFlow({
      host: config.host, port: config.port, secure: config.tls === 'implicit',
      doSTARTTLS: config.tls === 'starttls' ? true : config.tls === 'none' ? false : undefined,
      auth, logger: false, disableAutoIdle: true, emitLogs: false,
      tls: { rejectUnauthorized: config.verifyCertificate !== false },
      socketTimeout: config.socketTimeoutMs ?? 5 * 60_000,
      clientInfo: { name: 'Stoa migration', vendor: 'Stoa' },
    });
    client.on('error', () => undefined);
    const abort = () => client.close();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
    } catch (err) {
      signal.removeEventListener('abort', abort);
      client.close();
      const mapped = imapError(err, `cannot log in to ${config.host}:${config.port} as ${user.identity}`);
      // A host that never answered is a wrong address, not a hiccup: retrying it for minutes helps nobody.
      if (mapped.kind === 'transient' && !reached) throw new SourceError('fatal', mapped.message, { cause: err });
      throw mapped;
    }
    reached = true;
    return client;
  }

  return {
    kind: 'imap',
    limitKey: () => `imap:${config.host}`,
    identity: (user) => `imap://${user.identity}@${config.host}:${config.port}`,
    async open(user, signal): Promise<SourceSession> {
      const client = await connect(user, signal);
      const flavor: ImapFlavor = detectFlavor(new Set(client.capabilities.keys()), client.greeting ?? '', client.serverInfo as Record<string, string> | null);
      let selected: { path: string; validity: string } | null = null;
      const select = async (path: string): Promise<string> => {
        if (selected?.path === path) return selected.validity;
        try {
          const box = await client.mailboxOpen(path, { readOnly: true });
          selected = { path, validity: String(box.uidValidity) };
          return selected.validity;
        } catch (err) {
          selected = null;
          throw imapError(err, `cannot open folder ${path}`);
        }
      };
      return {
        async folders() {
          let entries: ListResponse[];
          try {
            entries = await client.list({ statusQuery: { messages: true, uidValidity: true } });
          } catch (err) {
            throw imapError(err, 'LIST failed');
          }
          const personal = client.namespace?.prefix ?? '';
          const others = [...(client.namespaces?.other || []), ...(client.namespaces?.shared || [])].map((n) => n.prefix).filter((p) => p !== '');
          const out: SourceFolder[] = [];
          for (const e of entries.sort((a, b) => (a.path < b.path ? -1 : 1))) {
            if (others.some((p) => e.path.startsWith(p))) continue; // other users' and shared folders are theirs to migrate
            const declared = e.specialUseSource === 'extension' && e.specialUse && RFC6154.has(e.specialUse) ? (e.specialUse as SpecialUse) : null;
            const raw = e.specialUseSource === 'extension' ? e.specialUse ?? null : null;
            const verdict = applyConventions(flavor, levelsOf(e, personal), raw, { gmailAllMail: config.gmailAllMail });
            const noselect = e.flags.has('\\Noselect') || e.flags.has('\\NonExistent');
            out.push({
              key: e.path, path: verdict.path, kind: 'mail',
              specialUse: declared === '\\All' && config.gmailAllMail ? '\\Archive' : declared,
              validity: String(e.status?.uidValidity ?? ''),
              count: e.status?.messages,
              skipReason: verdict.skip ?? (noselect ? 'not selectable (\\Noselect): only a container of other folders' : null),
            });
          }
          return out;
        },
        async *items(folder) {
          const validity = await select(folder.key);
          if (folder.validity !== '' && validity !== folder.validity) throw new SourceError('transient', `UIDVALIDITY of ${folder.key} changed while listing`);
          const refs: ImapRef[] = [];
          try {
            for await (const m of client.fetch('1:*', { uid: true, size: true }, { uid: false })) refs.push({ key: String(m.uid), uid: m.uid, size: m.size ?? 0 });
          } catch (err) {
            // An empty mailbox answers "1:*" with nothing or a BAD on some servers.
            if ((client.mailbox && (client.mailbox as { exists?: number }).exists === 0)) return;
            throw imapError(err, `cannot list messages of ${folder.key}`);
          }
          refs.sort((a, b) => a.uid - b.uid);
          yield* refs;
        },
        async *fetch(folder, refs): AsyncIterable<FetchResult> {
          await select(folder.key);
          const list = refs as readonly ImapRef[];
          for (let i = 0; i < list.length;) {
            const ref = list[i];
            if ((ref.size ?? 0) > streamAbove) {
              i++;
              yield await downloadOne(ref);
              continue;
            }
            // A run of small messages: one FETCH for all of them.
            const group: ImapRef[] = [];
            let bytes = 0;
            while (i < list.length && (list[i].size ?? 0) <= streamAbove && (group.length === 0 || bytes + (list[i].size ?? 0) <= fetchBytes)) {
              bytes += list[i].size ?? 0;
              group.push(list[i++]);
            }
            const got = new Map<number, FetchResult>();
            try {
              for await (const m of client.fetch(uidSet(group.map((g) => g.uid)), { uid: true, flags: true, internalDate: true, source: true }, { uid: true })) {
                const r = group.find((g) => g.uid === m.uid);
                if (!r || !m.source) continue;
                const flags = [...(m.flags ?? [])];
                got.set(m.uid, {
                  ref: r,
                  item: {
                    kind: 'message', body: m.source, flags: flags.filter((f) => f.startsWith('\\')), keywords: flags.filter((f) => !f.startsWith('\\')),
                    internalDate: m.internalDate ? new Date(m.internalDate) : null,
                  },
                });
              }
            } catch (err) {
              throw imapError(err, `FETCH in ${folder.key} failed`);
            }
            for (const r of group) yield got.get(r.uid) ?? { ref: r, error: new Error('the server returned no message for this UID (expunged meanwhile?)') };
          }

          async function downloadOne(ref: ImapRef): Promise<FetchResult> {
            try {
              let meta: { flags: string[]; internalDate: Date | null } = { flags: [], internalDate: null };
              for await (const m of client.fetch(String(ref.uid), { uid: true, flags: true, internalDate: true }, { uid: true })) {
                meta = { flags: [...(m.flags ?? [])], internalDate: m.internalDate ? new Date(m.internalDate) : null };
              }
              const dl = await client.download(String(ref.uid), undefined, { uid: true });
              if (!('content' in dl) || !dl.content) return { ref, error: new Error('the server returned no message for this UID') };
              const content = dl.content;
              let taken = false;
              return {
                ref,
                item: {
                  kind: 'message',
                  // One stream per download: the engine spools it before asking the server anything else.
                  body: () => {
                    if (taken) throw new Error('download stream already consumed');
                    taken = true;
                    return content;
                  },
                  flags: meta.flags.filter((f) => f.startsWith('\\')), keywords: meta.flags.filter((f) => !f.startsWith('\\')), internalDate: meta.internalDate,
                },
              };
            } catch (err) {
              throw imapError(err, `download of UID ${ref.uid} in ${folder.key} failed`);
            }
          }
        },
        async close() {
          try {
            await client.logout();
          } catch {
            client.close();
          }
        },
      };
    },
  };
}
