// Seeded fuzzing of the command reader: valid commands are mutated (byte
// flips, truncation, splices, huge numbers, unbalanced parentheses and
// quotes, bad literals, deep nesting) and fed in random chunkings. The
// reader must never throw, always terminate, keep its buffers bounded, and
// produce the same events however the input is split. Inputs with a new
// outcome are saved to fuzz-corpus/ with FUZZ_SAVE=1 and replayed every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { CommandReader, type ReaderEvent, type ReaderOptions } from '../../server/src/protocols/imap/wire/index.ts';
import { show } from './harness.ts';

const CORPUS = new URL('./fuzz-corpus/', import.meta.url);
const LIMITS: Partial<ReaderOptions> = {
  maxLineLength: 2048, maxLiteralSize: 4096, maxAppendSize: 1 << 20, streamThreshold: 1024, maxCommandSize: 16384, maxArguments: 500,
};

const SEEDS = Array.from({ length: 400 }, (_, i) => i * 7919 + 1);

const VALID = [
  'a1 LOGIN {4}\r\nfred {6+}\r\nsecret\r\n',
  'a2 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:5 41:45)))\r\n',
  'a3 UID FETCH 1:*,$ (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.100> BINARY[1]) (CHANGEDSINCE 5 VANISHED)\r\n',
  'a4 SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR NOT SEEN (FROM "x\\"y" 1:3) MODSEQ "/flags/\\\\draft" all 6 TEXT {3+}\r\nabc\r\n',
  'a5 APPEND INBOX (\\Seen $Junk) " 7-Feb-1994 21:52:25 -0800" {20}\r\nSubject: x\r\n\r\nHello\r\n ~{2+}\r\n\0\x01\r\n',
  'a6 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" %/&ZeVnLIqe-) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n',
  'a7 UID STORE 1:5 (UNCHANGEDSINCE 12) +FLAGS.SILENT (\\Deleted)\r\n',
  'a8 SORT (REVERSE DATE DISPLAYFROM) UTF-8 (SINCE 1-Feb-1994 LARGER 100)\r\n',
  'a9 ID ("name" "x" "version" NIL)\r\n',
  'b1 AUTHENTICATE PLAIN AGZyZWQAdGVzdA==\r\n',
  'b2 SETACL INBOX Fred +rw\r\nb3 SETQUOTA "" (STORAGE 512)\r\nb4 IDLE\r\n',
  'b5 CREATE "Sent Items" (USE (\\Sent))\r\nb6 STATUS x (MESSAGES MAILBOXID)\r\n',
];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(rand: () => number): Buffer {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  let bytes: Buffer = Buffer.from(pick(VALID) + (rand() < 0.5 ? pick(VALID) : ''), 'latin1');
  const rounds = 1 + Math.floor(rand() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rand() * (bytes.length + 1));
    const insert = (text: string | Buffer): Buffer =>
      Buffer.concat([bytes.subarray(0, at), typeof text === 'string' ? Buffer.from(text, 'latin1') : text, bytes.subarray(at)]);
    switch (Math.floor(rand() * 9)) {
      case 0: {
        const copy = Buffer.from(bytes);
        if (copy.length > 0) copy[Math.min(at, copy.length - 1)] = Math.floor(rand() * 256);
        bytes = copy;
        break;
      }
      case 1: bytes = bytes.subarray(0, at); break;
      case 2: bytes = insert(pick(VALID).slice(Math.floor(rand() * 20))); break;
      case 3: bytes = insert('9'.repeat(1 + Math.floor(rand() * 40))); break;
      case 4: bytes = insert(pick(['(', ')', '"', '\\', '[', ']', '<', '{', '}'])); break;
      case 5: bytes = insert(pick(['{99999999999999999999}\r\n', '{5000+}\r\n', '{3}\r\n', '~{}\r\n', '{0+}\r\n', '{4096+}\r\n', '{18446744073709551616+}\r\n'])); break;
      case 6: bytes = insert(pick(['(', 'NOT ', 'OR ALL ', '((', 'BODY[']).repeat(50 + Math.floor(rand() * 200))); break;
      case 7: bytes = insert('x'.repeat(Math.floor(rand() * 5000))); break;
      default: bytes = insert(pick(['\r\n', '\n', '\r', '\0', ' ', '\u00ff'])); break;
    }
  }
  return bytes;
}

/** Merges literal-data events so outcomes compare across chunkings. */
function normalize(events: ReaderEvent[]): string {
  const out: unknown[] = [];
  for (const ev of events) {
    const last = out.at(-1) as { kind: string; chunk: Buffer } | undefined;
    if (ev.kind === 'literal-data' && last?.kind === 'literal-data') last.chunk = Buffer.concat([last.chunk, ev.chunk]);
    else out.push(ev.kind === 'literal-data' ? { ...ev } : ev);
  }
  return show(out);
}

function run(input: Buffer, chunking: () => number): ReaderEvent[] {
  const reader = new CommandReader(LIMITS);
  const events: ReaderEvent[] = [];
  for (let i = 0; i < input.length;) {
    const size = Math.max(1, chunking());
    reader.push(input.subarray(i, i + size));
    i += size;
    // Each step consumes input or ends; more events than bytes plus a few means a loop.
    let budget = size * 4 + 16;
    for (let ev = reader.next(); ev; ev = reader.next()) {
      events.push(ev);
      if (--budget < 0) assert.fail('reader made no progress');
      if (ev.kind === 'error') assert.ok(ev.error.code && ev.error.message);
      if (ev.kind === 'literal-data') assert.ok(ev.chunk.length <= size);
    }
    // Everything pushed is consumed into bounded state; nothing piles up.
    assert.equal(reader.buffered, 0);
    assert.ok((reader as unknown as { lineLength: number }).lineLength <= (LIMITS.maxLineLength as number) + size + 1);
  }
  return events;
}

function check(input: Buffer, rand: () => number): string {
  const whole = normalize(run(input, () => input.length));
  const random = normalize(run(input, () => 1 + Math.floor(rand() * 64)));
  assert.equal(random, whole, `chunking changed the outcome for ${JSON.stringify(input.toString('latin1'))}`);
  assert.equal(normalize(run(input, () => 1)), whole);
  return whole;
}

/** The kinds and error codes of an outcome, to spot inputs worth keeping. */
function signature(outcome: string): string {
  return [...new Set([...outcome.matchAll(/"kind":"(\w[\w-]*)"|"code":"([\w-]+)"/g)].map((m) => m[1] ?? m[2]))].sort().join(',');
}

test('the reader survives mutated commands in random chunkings', () => {
  const seen = new Set<string>();
  for (const seed of SEEDS) {
    const rand = prng(seed);
    const input = mutate(rand);
    const outcome = check(input, rand);
    const sig = signature(outcome);
    if (process.env.FUZZ_SAVE === '1' && !seen.has(sig)) {
      writeFileSync(new URL(`seed-${seed}.bin`, CORPUS), input);
    }
    seen.add(sig);
  }
  assert.ok(seen.size > 20, 'mutations reach many different outcomes');
});

test('the saved fuzz corpus replays without failures', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.bin'));
  assert.ok(files.length > 0);
  for (const file of files) check(readFileSync(new URL(file, CORPUS)), prng(file.length));
});

test('the reader copes with a session that refuses every literal', () => {
  const rand = prng(42);
  for (let i = 0; i < 100; i++) {
    const reader = new CommandReader(LIMITS);
    reader.push(mutate(rand));
    for (let ev = reader.next(), n = 0; ev && n < 100_000; ev = reader.next(), n++) {
      if (ev.kind === 'continuation') reader.rejectLiteral();
    }
    reader.push(Buffer.from('\r\nz9 NOOP\r\n'));
    let n = 0;
    while (reader.next() && n < 100_000) n++;
    assert.ok(n < 100_000);
    assert.equal(reader.buffered, 0);
  }
});
