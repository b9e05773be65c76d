// Mail store benchmark: writes N small messages as blobs (the durable,
// fsynced path SMTP and APPEND use), indexes them with the MIME indexer,
// appends them to one mailbox through the bulk path (one MULTIAPPEND-style
// store.messages.append), then times what IMAP does on a big mailbox:
// listing every UID+FLAGS+MODSEQ, STATUS, a CONDSTORE change scan and
// full-text searches. Prints figures; asserts nothing.
// Usage: node test/bench/mail/run.ts [--messages N] [--concurrency N] [--batch N]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { indexMessage } from '../../../server/src/mail/mime/index.ts';
import type { NewMessage } from '../../../server/src/store/mail-port.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '64' },
    batch: { type: 'string', default: '100000' },
  },
});
const N = Number(values.messages);
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values.batch);

const WORDS = ['invoice', 'meeting', 'quarterly', 'report', 'lunch', 'project', 'deadline', 'budget', 'review', 'holiday',
  'Überweisung', 'café', 'schedule', 'contract', 'delivery', 'customer', 'release', 'server', 'backup', 'network'];

function message(i: number): Buffer {
  const pick = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
  const body = `Hello,\r\n\r\nabout the ${pick(1)} and the ${pick(2)}: ticket STOA-${i} needs a ${pick(3)}.\r\n\r\nRegards\r\n`;
  return Buffer.from(
    `From: Sender ${i % 97} <sender${i % 97}@bench.test>\r\nTo: user@bench.test\r\nSubject: ${pick(0)} ${i}\r\n`
    + `Date: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <${i}.${randomUUID()}@bench.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
  );
}

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

const dir = await mkdtemp(join(tmpdir(), 'stoa-bench-mail-'));
const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
try {
  console.log(`mail bench: ${N} messages, blob concurrency ${CONCURRENCY}, ${cpus().length} CPUs, Node ${process.version}`);
  const box = await store.mailboxes.create({ id: randomUUID(), accountId: randomUUID(), name: 'INBOX', specialUse: null, subscribe: true, createdAt: new Date().toISOString() });

  let t0 = performance.now();
  const items: NewMessage[] = new Array(N);
  let next = 0;
  let indexMs = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      const raw = message(i);
      const blob = await store.blobs.put(raw);
      const ti = performance.now();
      items[i] = { blobId: blob.id, index: indexMessage(raw), flags: i % 3 === 0 ? ['\\Seen'] : [], internalDate: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() };
      indexMs += performance.now() - ti;
    }
  }));
  console.log(`blobs written (fsynced) and indexed: ${ms(t0)} (of which indexMessage ${indexMs.toFixed(0)} ms)`);

  t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) await store.messages.append(box.id, items.slice(i, i + BATCH), new Date().toISOString());
  console.log(`bulk append of ${N} copies (batches of ${Math.min(BATCH, N)}): ${ms(t0)}`);

  for (let round = 1; round <= 3; round++) {
    t0 = performance.now();
    const list = await store.messages.list(box.id);
    console.log(`list all UIDs+FLAGS+MODSEQs (${list.uids.length}), round ${round}: ${ms(t0)}`);
  }
  t0 = performance.now();
  const status = await store.messages.status(box.id);
  console.log(`STATUS (messages ${status.messages}, unseen ${status.unseen}): ${ms(t0)}`);

  t0 = performance.now();
  const st = await store.messages.storeFlags(box.id, [[1, 1000]], { mode: 'add', flags: ['\\Flagged'] });
  console.log(`STORE +FLAGS on 1,000 messages: ${ms(t0)}`);
  t0 = performance.now();
  const changes = await store.messages.changesSince(box.id, st.modseq - 1);
  console.log(`CHANGEDSINCE scan (${changes.changed.length} changed): ${ms(t0)}`);

  for (const term of ['STOA-4242', 'quarterly', 'berweis', 'not-in-any-message', 'ab']) {
    t0 = performance.now();
    const uids = await store.messages.searchText(box.id, term);
    console.log(`SEARCH TEXT "${term}": ${uids.length} hits in ${ms(t0)}`);
  }
  t0 = performance.now();
  const unseenFlagged = await store.messages.filter(box.id, { withoutFlags: ['\\Seen'], withFlags: ['\\Flagged'] });
  console.log(`SEARCH UNSEEN FLAGGED: ${unseenFlagged.length} hits in ${ms(t0)}`);
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
