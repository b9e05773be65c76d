// .eml files: one message per file, a file or a directory tree whose
// directories are folders (files at the top go to INBOX). A leading mbox
// "From " line, which some exports leave in, is not part of the message.
// INTERNALDATE comes from the Date header (the engine's fallback), else the
// file's mtime.
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchedMessage, ItemRef, SourceFolder } from '../../model.ts';
import { readMessageHead } from '../../engine/message-head.ts';
import type { FetchResult, MigrationSource, SourceSession, SourceUser } from '../source.ts';
import { folderLevels, sourcePath, statOrFail, walk } from './file-tree.ts';

interface EmlRef extends ItemRef { file: string }

const IN_MEMORY = 1024 * 1024;

/** Bytes of a leading "From " line (with its line end), or 0. */
function fromLineLength(head: Buffer): number {
  if (head.toString('latin1', 0, 5) !== 'From ') return 0;
  const nl = head.indexOf(0x0a);
  return nl === -1 ? 0 : nl + 1;
}

export function emlSource(): MigrationSource {
  return {
    kind: 'eml',
    limitKey: () => 'local-files',
    identity: (user) => `eml:${sourcePath(user)}`,
    async open(user: SourceUser): Promise<SourceSession> {
      const root = sourcePath(user);
      const st = statOrFail(root);
      const files = st.isDirectory() ? (await walk(root, (n) => /\.eml$/i.test(n))).map((rel) => ({ rel, file: join(root, rel) })) : [{ rel: root.split('/').pop()!, file: root }];
      const byFolder = new Map<string, { rel: string; file: string }[]>();
      for (const f of files) {
        const key = folderLevels(f.rel).join('/');
        byFolder.set(key, [...(byFolder.get(key) ?? []), f]);
      }
      return {
        async folders() {
          return [...byFolder.keys()].map((key): SourceFolder => ({
            key, path: key === '' ? ['INBOX'] : key.split('/'), kind: 'mail', specialUse: null, validity: 'eml', count: byFolder.get(key)!.length,
          }));
        },
        async *items(folder) {
          for (const f of byFolder.get(folder.key) ?? []) {
            const s = await stat(f.file).catch(() => null);
            const ref: EmlRef = { key: f.rel, size: s?.size ?? 0, file: f.file };
            yield ref;
          }
        },
        async *fetch(_folder, refs): AsyncIterable<FetchResult> {
          for (const r of refs as readonly EmlRef[]) {
            try {
              const st = await stat(r.file);
              let body: FetchedMessage['body'];
              let head: Buffer;
              if (st.size <= IN_MEMORY) {
                const all = await readFile(r.file);
                body = all.subarray(fromLineLength(all));
                head = body.subarray(0, 64 * 1024);
              } else {
                const fh = await open(r.file, 'r');
                const first = Buffer.alloc(64 * 1024);
                const { bytesRead } = await fh.read(first, 0, first.length, 0);
                await fh.close();
                const skip = fromLineLength(first.subarray(0, bytesRead));
                head = first.subarray(skip, bytesRead);
                body = () => createReadStream(r.file, { start: skip });
              }
              const internalDate = readMessageHead(head).date ?? st.mtime;
              yield { ref: r, item: { kind: 'message', body, flags: [], keywords: [], internalDate } };
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
