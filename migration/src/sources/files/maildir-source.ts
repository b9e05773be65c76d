// Maildir trees (Courier/Dovecot Maildir++ with ".Sub.Folder" directories,
// or Dovecot's LAYOUT=fs with nested directories): messages keyed by the
// unique part of their file name, flags from the ":2," info suffix
// (cr.yp.to/proto/maildir.html) and Dovecot's keyword letters
// (dovecot-keywords), INTERNALDATE from the file's mtime as Dovecot keeps it.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ItemRef, SourceFolder } from '../../model.ts';
import type { FetchResult, MigrationSource, SourceSession, SourceUser } from '../source.ts';
import { sourcePath, statOrFail } from './file-tree.ts';

interface MaildirRef extends ItemRef { file: string; info: string; mtime: Date }

const IN_MEMORY = 1024 * 1024;

/** RFC 3501 §5.1.3 modified UTF-7, as Maildir++ folder names are written. */
export function decodeModifiedUtf7(name: string): string {
  return name.replace(/&([^-]*)-/g, (_, b64: string) => {
    if (b64 === '') return '&';
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
    return out;
  });
}

const isMaildir = (dir: string) => existsSync(join(dir, 'cur')) || existsSync(join(dir, 'new'));

interface Found { key: string; dir: string; path: string[] }

async function findFolders(root: string): Promise<Found[]> {
  const found: Found[] = [];
  if (isMaildir(root)) found.push({ key: '', dir: root, path: ['INBOX'] });
  const walk = async (dir: string, levels: string[]) => {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (['cur', 'new', 'tmp'].includes(e.name)) continue;
      const sub = join(dir, e.name);
      if (levels.length === 0 && e.name.startsWith('.') && e.name.length > 1) {
        // Maildir++: ".Work.Projects" is Work/Projects, below INBOX's own directory.
        if (isMaildir(sub)) found.push({ key: e.name, dir: sub, path: e.name.slice(1).split('.').map(decodeModifiedUtf7) });
        continue;
      }
      if (e.name.startsWith('.')) continue;
      const path = [...levels, decodeModifiedUtf7(e.name)];
      if (isMaildir(sub)) found.push({ key: path.join('/'), dir: sub, path });
      await walk(sub, path);
    }
  };
  await walk(root, []);
  return found;
}

/** Dovecot's keyword letters: "a" is the keyword on line "0 …" of dovecot-keywords. */
function keywordTable(dir: string): string[] {
  const file = join(dir, 'dovecot-keywords');
  if (!existsSync(file)) return [];
  const table: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\d+)\s+(\S+)/.exec(line);
    if (m && Number(m[1]) < 26) table[Number(m[1])] = m[2];
  }
  return table;
}

/** Maildir info "2,FRS" → IMAP flags and keywords. */
export function flagsFromInfo(info: string, keywords: readonly string[]): { flags: string[]; keywords: string[] } {
  const flags: string[] = [];
  const kw: string[] = [];
  if (!info.startsWith('2,')) return { flags, keywords: kw };
  for (const c of info.slice(2)) {
    switch (c) {
      case 'D': flags.push('\\Draft'); break;
      case 'F': flags.push('\\Flagged'); break;
      case 'P': kw.push('$Forwarded'); break;
      case 'R': flags.push('\\Answered'); break;
      case 'S': flags.push('\\Seen'); break;
      case 'T': flags.push('\\Deleted'); break;
      default: {
        const k = c >= 'a' && c <= 'z' ? keywords[c.charCodeAt(0) - 97] : undefined;
        if (k) kw.push(k);
      }
    }
  }
  return { flags, keywords: kw };
}

/** Order of dovecot-uidlist (UID order) when present: file base name → position. */
async function uidOrder(dir: string): Promise<Map<string, number> | null> {
  const file = join(dir, 'dovecot-uidlist');
  if (!existsSync(file)) return null;
  const order = new Map<string, number>();
  const lines = (await readFile(file, 'utf8')).split('\n').slice(1);
  for (const line of lines) {
    const m = /^(\d+)\s.*?:(.+)$/.exec(line) ?? /^(\d+)\s+(\S+)$/.exec(line);
    if (m) order.set(m[2].split(':')[0], Number(m[1]));
  }
  return order;
}

export function maildirSource(): MigrationSource {
  return {
    kind: 'maildir',
    limitKey: () => 'local-files',
    identity: (user) => `maildir:${sourcePath(user)}`,
    async open(user: SourceUser): Promise<SourceSession> {
      const root = sourcePath(user);
      statOrFail(root);
      const found = await findFolders(root);
      const byKey = new Map(found.map((f) => [f.key, f]));
      const keywords = keywordTable(root);
      return {
        async folders() {
          return found.map((f): SourceFolder => ({ key: f.key, path: f.path, kind: 'mail', specialUse: null, validity: 'maildir' }));
        },
        async *items(folder) {
          const f = byKey.get(folder.key)!;
          const refs: MaildirRef[] = [];
          for (const sub of ['new', 'cur']) {
            const dir = join(f.dir, sub);
            if (!existsSync(dir)) continue;
            for (const name of await readdir(dir)) {
              if (name.startsWith('.')) continue;
              const sep = name.search(/[:!]2,/);
              const base = sep === -1 ? name : name.slice(0, sep);
              const info = sep === -1 ? '' : name.slice(sep + 1);
              const st = await stat(join(dir, name)).catch(() => null);
              if (!st?.isFile()) continue;
              refs.push({ key: base, size: st.size, file: join(dir, name), info, mtime: st.mtime });
            }
          }
          const order = await uidOrder(f.dir);
          refs.sort((a, b) => (order?.get(a.key) ?? Infinity) - (order?.get(b.key) ?? Infinity) || a.mtime.getTime() - b.mtime.getTime() || (a.key < b.key ? -1 : 1));
          yield* refs;
        },
        async *fetch(_folder, refs): AsyncIterable<FetchResult> {
          for (const r of refs as readonly MaildirRef[]) {
            try {
              const body = (r.size ?? 0) <= IN_MEMORY ? await readFile(r.file) : () => createReadStream(r.file);
              yield { ref: r, item: { kind: 'message', body, ...flagsFromInfo(r.info, keywords), internalDate: r.mtime } };
            } catch (err) {
              yield { ref: r, error: err as Error };
            }
          }
        },
        async close() {},
      };
    },
  };
}
