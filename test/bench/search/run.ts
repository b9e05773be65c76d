// Search, sort and thread timings on one big mailbox (default 100,000
// messages) built with the store's bulk append path. Prints figures;
// asserts nothing. The store goes to /dev/shm when there is one: fsynced
// blob writes are the same code, but a disk would spend minutes on them and
// they are not what is measured here.
// Usage: node test/bench/search/run.ts [--messages N]
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalChangeBus } from '../../../server/src/events/local-change-bus.ts';
import { systemActor } from '../../../server/src/directory/access.ts';
import { createMailAccess } from '../../../server/src/mail/mail-access.ts';
import { createMessageService } from '../../../server/src/mail/message-service.ts';
import { indexMessage } from '../../../server/src/mail/mime/index.ts';
import type { SearchCriteria } from '../../../server/src/mail/search/criteria.ts';
import { searchMessages } from '../../../server/src/mail/search/search.ts';
import { sortMessages, type SortKey } from '../../../server/src/mail/search/sort.ts';
import { threadMessages } from '../../../server/src/mail/search/thread.ts';
import type { NewMessage } from '../../../server/src/store/mail-port.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';

const SYSTEM = systemActor();

const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' } } });
const N = Number(values.messages);

const WORDS = ['invoice', 'meeting', 'quarterly', 'report', 'lunch', 'project', 'deadline', 'budget', 'review', 'holiday',
  'Überweisung', 'café', 'schedule', 'contract', 'delivery', 'customer', 'release', 'server', 'backup', 'network'];
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

function message(i: number): Buffer {
  const pick = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
  const thread = Math.floor(i / 10);
  // Every tenth message starts a thread; the next nine reply to the one before.
  const refs = i % 10 === 0 ? '' : `In-Reply-To: <${i - 1}@bench.test>\r\nReferences: <${thread * 10}@bench.test> <${i - 1}@bench.test>\r\n`;
  const subject = `${i % 10 === 0 ? '' : 'Re: '}${WORDS[thread % WORDS.length]} ${thread}`;
  const body = `Hello,\r\n\r\nabout the ${pick(1)} and the ${pick(2)}: ticket STOA-${i} needs a ${pick(3)}.\r\n\r\nRegards\r\n`;
  return Buffer.from(
    `From: Sender ${i % 97} <sender${i % 97}@bench.test>\r\nTo: user${i % 13}@bench.test\r\nSubject: ${subject}\r\n`
    + `Date: ${new Date(T0 + i * 600_000).toUTCString()}\r\nMessage-ID: <${i}@bench.test>\r\n${refs}X-Bench: ${i % 1000}\r\n`
    + `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}${i % 50 === 0 ? 'padding '.repeat(500) : ''}`,
  );
}

const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dir = await mkdtemp(join(base, 'stoa-search-bench-'));
const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
const messages = createMessageService({ store, bus: new LocalChangeBus(), access: createMailAccess(store) });
const deps = { actor: SYSTEM, messages };
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

try {
  console.log(`search bench: ${N} messages in ${base}, ${cpus().length} CPUs, Node ${process.version}`);
  const box = await store.mailboxes.create({ id: randomUUID(), accountId: randomUUID(), name: 'INBOX', specialUse: null, subscribe: true, createdAt: new Date().toISOString() });
  let t0 = performance.now();
  const items: NewMessage[] = new Array(N);
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < N) {
      const i = next++;
      const raw = message(i);
      const blob = await store.blobs.put(raw);
      const flags = [...(i % 3 === 0 ? ['\\Seen'] : []), ...(i % 17 === 0 ? ['\\Flagged'] : []), ...(i % 101 === 0 ? ['$Work'] : [])];
      items[i] = { blobId: blob.id, index: indexMessage(raw), flags, internalDate: new Date(T0 + i * 600_000).toISOString() };
    }
  }));
  await store.messages.append(box.id, items, new Date().toISOString());
  console.log(`built the mailbox (blobs, index, one bulk append): ${ms(t0)}`);

  const day = (k: number) => new Date(T0 + k * DAY).toISOString().slice(0, 10);
  const searches: [string, SearchCriteria][] = [
    ['ALL', { type: 'all' }],
    ['SEEN', { type: 'flag', flag: '\\Seen', present: true }],
    ['UNSEEN FLAGGED', { type: 'and', criteria: [{ type: 'flag', flag: '\\Seen', present: false }, { type: 'flag', flag: '\\Flagged', present: true }] }],
    ['KEYWORD $Work', { type: 'flag', flag: '$Work', present: true }],
    ['LARGER 2000', { type: 'size', op: 'larger', octets: 2000 }],
    [`SINCE ${day(400)}`, { type: 'date', field: 'internal', op: 'since', date: day(400) }],
    [`ON ${day(100)}`, { type: 'date', field: 'internal', op: 'on', date: day(100) }],
    [`BEFORE ${day(30)} UNSEEN`, { type: 'and', criteria: [{ type: 'date', field: 'internal', op: 'before', date: day(30) }, { type: 'flag', flag: '\\Seen', present: false }] }],
    ['SAVEDSINCE 2000-01-01', { type: 'date', field: 'saved', op: 'since', date: '2000-01-01' }],
    ['TEXT "STOA-4242" (rare)', { type: 'text', scope: 'text', value: 'STOA-4242' }],
    ['TEXT "quarterly" (common)', { type: 'text', scope: 'text', value: 'quarterly' }],
    ['TEXT "berweis"', { type: 'text', scope: 'text', value: 'berweis' }],
    ['TEXT "not-in-any-message"', { type: 'text', scope: 'text', value: 'not-in-any-message' }],
    ['NOT TEXT "quarterly"', { type: 'not', criterion: { type: 'text', scope: 'text', value: 'quarterly' } }],
    ['BODY "STOA-4242"', { type: 'text', scope: 'body', value: 'STOA-4242' }],
    ['BODY "deadline" (body and subject)', { type: 'text', scope: 'body', value: 'deadline' }],
    ['FROM "sender42@"', { type: 'address', field: 'from', value: 'sender42@' }],
    ['SUBJECT "budget 77"', { type: 'subject', value: 'budget 77' }],
    ['SEEN SUBJECT "re"', { type: 'and', criteria: [{ type: 'flag', flag: '\\Seen', present: true }, { type: 'subject', value: 're' }] }],
    [`SENTSINCE ${day(600)}`, { type: 'date', field: 'sent', op: 'since', date: day(600) }],
    ['HEADER X-Bench "42" FLAGGED', { type: 'and', criteria: [{ type: 'header', field: 'X-Bench', value: '42' }, { type: 'flag', flag: '\\Flagged', present: true }] }],
    ['OR FLAGGED TEXT "STOA-99999"', { type: 'or', left: { type: 'flag', flag: '\\Flagged', present: true }, right: { type: 'text', scope: 'text', value: 'STOA-99999' } }],
  ];
  for (const [name, criteria] of searches) {
    t0 = performance.now();
    const uids = await searchMessages(deps, box.id, criteria);
    console.log(`SEARCH ${name}: ${uids.length} hits in ${ms(t0)}`);
  }
  t0 = performance.now();
  const header = await searchMessages(deps, box.id, { type: 'header', field: 'X-Bench', value: '999' });
  console.log(`SEARCH HEADER X-Bench "999" (every header block read): ${header.length} hits in ${ms(t0)}`);

  const all = await searchMessages(deps, box.id, { type: 'all' });
  const sorts: SortKey[][] = [[{ key: 'arrival' }], [{ key: 'date', reverse: true }], [{ key: 'subject' }, { key: 'date' }], [{ key: 'displayfrom' }], [{ key: 'size' }]];
  for (const keys of sorts) {
    t0 = performance.now();
    await sortMessages(deps, box.id, keys, all);
    console.log(`SORT (${keys.map((k) => `${k.reverse ? 'REVERSE ' : ''}${k.key.toUpperCase()}`).join(' ')}) ALL: ${ms(t0)}`);
  }
  for (const algorithm of ['references', 'orderedsubject'] as const) {
    t0 = performance.now();
    const threads = await threadMessages(deps, box.id, algorithm, all);
    console.log(`THREAD=${algorithm.toUpperCase()} ALL: ${threads.length} threads in ${ms(t0)}`);
  }
  const unseen = await searchMessages(deps, box.id, { type: 'flag', flag: '\\Seen', present: false });
  t0 = performance.now();
  await threadMessages(deps, box.id, 'references', unseen);
  console.log(`THREAD=REFERENCES UNSEEN (${unseen.length}): ${ms(t0)}`);
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
