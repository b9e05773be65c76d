// mbox files (one file, or a tree such as Thunderbird's profile folders with
// their .sbd subfolders, Apple Mail's .mbox bundles, Google Takeout): each
// file is a folder, each message keyed by its byte offset. A file that is
// rewritten (compacted) gets a new inode, which is the folder's validity:
// its earlier ledger no longer applies and messages are matched by content.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchedMessage, ItemRef, SourceFolder } from '../../model.ts';
import type { FetchResult, MigrationSource, SourceSession, SourceUser } from '../source.ts';
import { sourcePath, statOrFail, walk } from './file-tree.ts';
import { flagsFromHeaders, MboxUnquote, scanMbox, unquoteBuffer } from './mbox-format.ts';

interface MboxRef extends ItemRef { bodyStart: number; end: number; date: Date | null }

const NOT_MBOX = /\.(msf|dat|json|html?|txt|sqlite|db|idx|ics|vcf|csv|eml)$/i;

/** Messages up to this size are read into memory; larger ones stream. */
const IN_MEMORY = 1024 * 1024;

function folderPath(rel: string): string[] {
  const levels = rel.split('/').map((l) => l.replace(/\.sbd$/i, '').replace(/\.mbox$/i, ''));
  // Apple Mail bundle: "Work.mbox/mbox" is the folder "Work".
  if (levels.length > 1 && levels[levels.length - 1].toLowerCase() === 'mbox') levels.pop();
  if (levels.length === 1 && /^(inbox|mbox)$/i.test(levels[0])) return ['INBOX'];
  return levels;
}

export function mboxSource(): MigrationSource {
  return {
    kind: 'mbox',
    limitKey: () => 'local-files',
    identity: (user) => `mbox:${sourcePath(user)}`,
    async open(user: SourceUser): Promise<SourceSession> {
      const root = sourcePath(user);
      const st = statOrFail(root);
      const files = st.isDirectory() ? (await walk(root, (n) => !NOT_MBOX.test(n))).map((rel) => ({ rel, path: join(root, rel) })) : [{ rel: root.split('/').pop()!, path: root }];
      const pathOf = new Map(files.map((f) => [f.rel, f.path]));
      return {
        async folders() {
          return files.map(({ rel, path }): SourceFolder => ({
            key: rel, path: folderPath(rel), kind: 'mail', specialUse: null, validity: String(statOrFail(path).ino),
          }));
        },
        async *items(folder) {
          for await (const e of scanMbox(pathOf.get(folder.key)!)) {
            const ref: MboxRef = { key: String(e.offset), size: e.end - e.bodyStart, bodyStart: e.bodyStart, end: e.end, date: e.date };
            yield ref;
          }
        },
        async *fetch(folder, refs): AsyncIterable<FetchResult> {
          const path = pathOf.get(folder.key)!;
          const fh = await open(path, 'r');
          try {
            for (const r of refs as readonly MboxRef[]) {
              const length = r.end - r.bodyStart;
              const headLength = Math.min(length, 64 * 1024);
              const head = Buffer.alloc(headLength);
              await fh.read(head, 0, headLength, r.bodyStart);
              const { flags, keywords } = flagsFromHeaders(head);
              let body: FetchedMessage['body'];
              if (length <= IN_MEMORY) {
                const buf = Buffer.alloc(length);
                await fh.read(buf, 0, length, r.bodyStart);
                body = unquoteBuffer(buf);
              } else {
                body = () => createReadStream(path, { start: r.bodyStart, end: r.end - 1 }).pipe(new MboxUnquote());
              }
              yield { ref: r, item: { kind: 'message', body, flags, keywords, internalDate: r.date } };
            }
          } finally {
            await fh.close();
          }
        },
        async close() {},
      };
    },
  };
}
