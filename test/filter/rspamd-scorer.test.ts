// rspamd as an optional scorer, end to end: Debian's rspamd (3.4 on Debian
// 12) on a free port (test/support/rspamd.ts), configured as
// filter.rspamd.url; mail goes through Stoa's SMTP listener with nodemailer,
// rspamd's score is added to Stoa's as the RSPAMD rule and the admin API
// explains it with rspamd's own symbols. Then rspamd down (the check's
// onError policy, skip), and hostile rspamd answers from fake socket servers
// (not rspamd: raw bytes on a TCP listener).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { parseVerdictHeader } from '../../server/src/filter/verdict.ts';
import type { StoredVerdict } from '../../server/src/model/filter.ts';
import { freePort } from '../cli/run-stoa.ts';
import { openSmtpHarness, replyOf, transport, type SmtpHarness } from '../smtp/harness.ts';
import { CORPUS } from '../support/corpus.ts';
import { startRspamd, type Rspamd } from '../support/rspamd.ts';

const admin = systemActor();
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
/** Ordinary ham from the shared corpus: a shipping notice (SpamAssassin's t/data/nice). */
const HAM = readFileSync(join(CORPUS, 'ham', 'sa-amazon-shipping.eml'));

async function lastVerdict(h: SmtpHarness): Promise<StoredVerdict> {
  await h.filter.verdicts.flush();
  const [v] = (await h.filter.verdicts.list(admin, { offset: 0, limit: 1 })).items;
  assert.ok(v, 'a verdict was recorded');
  return v;
}

function storedHeader(message: string): ReturnType<typeof parseVerdictHeader> & object {
  const header = /^X-Stoa-Spam:(.*(?:\r\n[ \t].*)*)/m.exec(message)![1];
  return parseVerdictHeader(header)!;
}

describe('rspamd as an optional scorer (Debian rspamd)', () => {
  let rspamd: Rspamd;
  let h: SmtpHarness;
  before(async () => {
    rspamd = await startRspamd();
    h = await openSmtpHarness((c) => Object.assign(c.filter.rspamd, { url: rspamd.url, timeoutMs: 20_000 }));
  });
  after(async () => {
    await h?.close();
    await rspamd?.stop();
  });

  test('GTUBE: rspamd answers reject, and Stoa refuses the message with the RSPAMD rule in its verdict', async () => {
    const err = await transport(h, 'smtp').sendMail({ from: 'x@remote.example', to: 'alice@example.test', subject: 'test', text: GTUBE }).catch((e) => e);
    assert.match(replyOf(err), /^550 5\.7\.1 Message looks like spam \(score \d+/);
    assert.equal((await h.messages('alice@example.test')).length, 0);
    const v = await lastVerdict(h);
    assert.equal(v.action, 'reject');
    const rule = v.rules.find((r) => r.rule === 'RSPAMD');
    assert.ok(rule, JSON.stringify(v.rules));
    // rspamd's GTUBE is a pre-result: the score is its reject threshold (15 by Debian's actions.conf).
    assert.equal(rule.score, 15);
    assert.match(rule.detail!, /^15\/15 reject \(pre-result\): GTUBE/);
    assert.equal(v.checks.find((c) => c.check === 'rspamd')?.outcome, 'ok');
  });

  test('a ham message from the corpus: rspamd\'s score is added to the verdict, and the admin API explains it with rspamd\'s symbols', async () => {
    await transport(h, 'smtp').sendMail({ envelope: { from: 'ship-confirm@amazon.com', to: ['alice@example.test'] }, raw: HAM });
    const [stored] = await h.messages('alice@example.test');
    const parsed = storedHeader(stored);
    const rspamdHit = parsed.tests.find((t) => t.rule === 'RSPAMD');
    assert.ok(rspamdHit, JSON.stringify(parsed.tests));
    assert.notEqual(rspamdHit.score, 0, 'rspamd found something to say about this message');
    const ours = parsed.tests.filter((t) => t.rule !== 'RSPAMD').reduce((sum, t) => sum + t.score, 0);
    assert.equal(Math.round((ours + rspamdHit.score) * 10) / 10, parsed.score, 'the total includes rspamd\'s score');
    const v = await h.filter.verdicts.get(admin, parsed.id!);
    const detail = v.rules.find((r) => r.rule === 'RSPAMD')!.detail!;
    // "1/15 no action: DATE_IN_PAST=1 RCVD_NO_TLS_LAST=0.1 MIME_GOOD=-0.1": rspamd's score, its reject threshold, its action and its symbols.
    const m = /^(-?[\d.]+)\/15 (no action|add header|greylist|rewrite subject): (.*)$/.exec(detail);
    assert.ok(m, detail);
    assert.equal(Math.round(Number(m[1]) * 10) / 10, rspamdHit.score);
    const symbols = m[3].split(' ').map((s) => /^([A-Z0-9_]+)=(-?[\d.]+)$/.exec(s));
    assert.ok(symbols.length > 0 && symbols.every((s) => s !== null), detail);
    const sum = symbols.reduce((total, s) => total + Number(s![2]), 0);
    assert.equal(Math.round(sum * 10) / 10, rspamdHit.score, 'rspamd\'s score is the sum of the symbols it lists');
  });

  test('an SMTPUTF8 sender is still scored by rspamd (no envelope it cannot read, no BROKEN_HEADERS)', async () => {
    for (const from of ['jörg@bücher.example', 'пользователь@пример.рф']) {
      await transport(h, 'smtp').sendMail({ envelope: { from, to: ['alice@example.test'] }, from, to: 'alice@example.test', subject: 'Grüße', text: 'Bis morgen beim Treffen.' });
      const v = await lastVerdict(h);
      assert.equal(v.checks.find((c) => c.check === 'rspamd')?.outcome, 'ok', `${from}: ${JSON.stringify(v.checks)}`);
      const rule = v.rules.find((r) => r.rule === 'RSPAMD');
      assert.ok(rule, from);
      assert.doesNotMatch(rule.detail!, /BROKEN_HEADERS/, from);
    }
  });
});

describe('rspamd down or failing: the check is skipped (fail open) and the verdict says so', () => {
  test('nothing listens at filter.rspamd.url: the message is delivered, and the verdict records the failed check', async () => {
    const dead = await freePort();
    const h = await openSmtpHarness((c) => Object.assign(c.filter.rspamd, { url: `http://127.0.0.1:${dead}`, timeoutMs: 20_000 }));
    try {
      await transport(h, 'smtp').sendMail({ from: 'friend@remote.example', to: 'alice@example.test', subject: 'Lunch on Friday?', text: 'Shall we meet at noon at the usual place?' });
      assert.equal((await h.messages('alice@example.test')).length, 1);
      const v = await lastVerdict(h);
      assert.equal(v.action, 'accept');
      assert.equal(v.rules.find((r) => r.rule === 'RSPAMD'), undefined);
      const check = v.checks.find((c) => c.check === 'rspamd');
      assert.equal(check?.outcome, 'error');
      assert.ok(check.error, 'the failure is explained');
    } finally {
      await h.close();
    }
  });
});

/** A fake rspamd (not rspamd): a TCP listener that answers every request with `answer`. */
interface Fake {
  port: number;
  /** The connections that carried a request, and whether each has been closed. */
  requests: Array<{ closed: boolean }>;
  close(): Promise<void>;
}

async function fakeRspamd(answer: (socket: Socket) => void): Promise<Fake> {
  const sockets = new Set<Socket>();
  const requests: Fake['requests'] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      // Answer once the request head is in; the body is not read.
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.resume();
      const request = { closed: false };
      requests.push(request);
      socket.on('close', () => { request.closed = true; });
      answer(socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** Waits (up to 5 s) until the connection that carried the request is closed. */
async function requestClosed(fake: Fake): Promise<boolean> {
  for (let i = 0; i < 250 && !(fake.requests.length === 1 && fake.requests[0].closed); i++) await new Promise((r) => setTimeout(r, 20));
  return fake.requests.length === 1 && fake.requests[0].closed;
}

describe('hostile answers from a fake rspamd (a socket server, not rspamd)', () => {
  async function withFake(answer: (socket: Socket) => void, timeoutMs: number, run: (h: SmtpHarness, fake: Fake) => Promise<void>): Promise<void> {
    const fake = await fakeRspamd(answer);
    const h = await openSmtpHarness((c) => Object.assign(c.filter.rspamd, { url: `http://127.0.0.1:${fake.port}`, timeoutMs }));
    try {
      await run(h, fake);
    } finally {
      await h.close();
      await fake.close();
    }
  }
  const send = (h: SmtpHarness): Promise<unknown> => transport(h, 'smtp').sendMail({ from: 'friend@remote.example', to: 'alice@example.test', subject: 'Minutes', text: 'The minutes of Tuesday\'s meeting.' });
  const http = (body: string | Buffer, status = '200 OK'): Buffer => Buffer.concat([
    Buffer.from(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`), Buffer.from(body),
  ]);

  const skipped = async (h: SmtpHarness, outcome: 'error' | 'timeout', error: RegExp): Promise<void> => {
    await send(h);
    assert.equal((await h.messages('alice@example.test')).length, 1, 'delivered');
    const v = await lastVerdict(h);
    assert.equal(v.rules.find((r) => r.rule === 'RSPAMD'), undefined, 'no score taken from it');
    const check = v.checks.find((c) => c.check === 'rspamd');
    assert.equal(check?.outcome, outcome);
    assert.match(check.error ?? '', error);
  };

  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['malformed JSON', '{"score": 3.5, "symbols": {', /not JSON/],
    ['JSON that is not an object', '[15]', /not a JSON object/],
    ['no score', '{"action":"reject","symbols":{}}', /no score/],
    ['a score that is not finite (1e999 parses as Infinity)', '{"score":1e999,"required_score":15,"action":"no action","symbols":{}}', /no score/],
    ['symbols that are not an object', '{"score":1,"required_score":15,"action":"no action","symbols":"GTUBE"}', /symbols/],
  ];
  for (const [name, body, error] of cases) {
    test(`${name}: skipped, the message delivered`, () => withFake((s) => s.end(http(body)), 20_000, (h) => skipped(h, 'error', error)));
  }

  test('an HTTP error with rspamd\'s error object: skipped, rspamd\'s message kept', () =>
    withFake((s) => s.end(http('{"error":"cannot parse input"}', '400 Bad Request')), 20_000, (h) => skipped(h, 'error', /HTTP 400: cannot parse input/)));

  test('not HTTP at all: skipped', () => withFake((s) => s.end('SPAMD/1.1 0 EX_OK\r\n\r\n'), 20_000, (h) => skipped(h, 'error', /./)));

  test('an endless body: the client stops reading at its cap, long before the timeout, and closes the connection', () =>
    withFake((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"score":1,"symbols":{"');
      const chunk = Buffer.alloc(64 * 1024, 'A');
      const pump = (): void => { while (!s.destroyed && s.write(chunk)); };
      s.on('drain', pump);
      pump();
    }, 600_000, async (h, fake) => {
      await skipped(h, 'error', /too long/);
      assert.ok(await requestClosed(fake), 'the client closed the connection');
    }));

  test('a declared Content-Length over the cap: refused before reading it', () =>
    withFake((s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{'), 600_000, (h) => skipped(h, 'error', /too long/)));

  test('an answer slower than timeoutMs: the check times out, the message is delivered, and the connection is closed', () =>
    withFake(() => { /* never answers */ }, 300, async (h, fake) => {
      await skipped(h, 'timeout', /no answer within 300 ms/);
      assert.ok(await requestClosed(fake), 'the aborted request closed its connection');
    }));
});
