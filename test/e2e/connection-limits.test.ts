// Connection caps on every listener of a whole running server (issue 16
// item 1). The caps are lowered through the configuration, so a handful of
// sockets shows what 20,000 would: connections beyond a cap are refused with
// the protocol's answer and a warn line, while the admin API and the health
// probes keep answering; logins beyond the per-account cap are refused; a
// client that never logs in is cut off however busy it keeps itself; idle
// SMTP clients get a short timeout under pressure. Clients come from their
// own 127.0.0.x addresses so each test's per-address counts are its own.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { DEMO_DOMAIN, DEMO_PASSWORD, startFullServer, type FullServer } from '../support/full-server.ts';

const ALICE = `alice@${DEMO_DOMAIN}`;

class Conn {
  readonly socket: Socket;
  text = '';
  closed = false;
  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.text += d; });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => undefined);
  }
  static async open(port: number, localAddress: string): Promise<Conn> {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    return new Conn(socket);
  }
  /** Waits until the text so far matches (or the server closed); returns it and starts afresh. */
  async until(re: RegExp, ms = 15_000): Promise<string> {
    for (let waited = 0; !re.test(this.text) && !this.closed && waited < ms; waited += 25) await new Promise((r) => setTimeout(r, 25));
    const out = this.text;
    this.text = '';
    return out;
  }
  send(line: string): void { this.socket.write(`${line}\r\n`); }
  close(): void { this.socket.destroy(); }
}

/** What each cleartext protocol greets with, and refuses with. */
const PROTOCOLS = {
  imap: { greeting: /^\* OK/, refusal: /^\* BYE \[UNAVAILABLE\] Too many connections from your address/, done: /\r\n/ },
  pop3: { greeting: /^\+OK/, refusal: /^-ERR \[SYS\/TEMP\] Too many connections from your address/, done: /\r\n/ },
  managesieve: { greeting: /^"IMPLEMENTATION"/, refusal: /^BYE \(TRYLATER\) "Too many connections/, done: /^(OK|NO|BYE)[^\r\n]*\r\n/m },
  smtp: { greeting: /^220 /, refusal: /^421 4\.7\.0 Too many connections from your address/, done: /\r\n/ },
} as const;

async function httpStatus(s: FullServer, path: string, headers: Record<string, string> = {}): Promise<number> {
  return (await fetch(`${s.httpBase}${path}`, { headers })).status;
}

/** The admin API answers: the probes, a login and an authenticated read. */
async function adminAnswers(s: FullServer): Promise<void> {
  assert.equal(await httpStatus(s, '/healthz'), 200);
  assert.equal(await httpStatus(s, '/readyz'), 200);
  assert.equal(await httpStatus(s, '/api/v1/domains', { cookie: await s.adminCookie() }), 200);
}

describe('per-client caps on every listener, with the admin API answering', () => {
  let s: FullServer;
  const open: Conn[] = [];
  before(async () => {
    s = await startFullServer((c) => {
      c.imap = { maxConnections: 50, maxConnectionsPerIp: 3, maxSessionsPerAccountIp: 2, preAuthTimeoutSeconds: 5 };
      Object.assign(c.pop3, { maxConnections: 50, maxConnectionsPerIp: 3, preAuthTimeoutSeconds: 5 });
      Object.assign(c.managesieve, { maxConnections: 50, maxConnectionsPerIp: 3, maxSessionsPerAccountIp: 2, preAuthTimeoutSeconds: 5 });
      Object.assign(c.smtp, { maxConnections: 50, maxConnectionsPerIp: 3, maxConnectionsPerNetwork: 50 });
      Object.assign(c.api, { maxConnections: 50, maxConnectionsPerIp: 4 });
    });
  });
  after(async () => {
    for (const c of open) c.close();
    await s.close();
  });

  for (const [protocol, expect] of Object.entries(PROTOCOLS)) {
    test(`${protocol}: the connection over the per-address cap is refused with the protocol's answer and a warn line`, async () => {
      const ip = { imap: '127.0.0.2', pop3: '127.0.0.3', managesieve: '127.0.0.4', smtp: '127.0.0.5' }[protocol]!;
      const port = s.port(protocol as 'imap');
      for (let i = 0; i < 3; i++) {
        const c = await Conn.open(port, ip);
        open.push(c);
        assert.match(await c.until(expect.done), expect.greeting);
      }
      const extra = await Conn.open(port, ip);
      open.push(extra);
      assert.match(await extra.until(expect.done), expect.refusal);
      // Another address is not affected.
      const other = await Conn.open(port, '127.0.0.9');
      open.push(other);
      assert.match(await other.until(expect.done), expect.greeting);
      assert.ok(s.logs.some((l) => l.level === 40 && l.protocol === protocol && l.reason === 'ip'), `no warn line for ${protocol}`);
      await adminAnswers(s);
    });
  }

  test('imaps and pop3s drop the connection over the cap before the TLS handshake', async () => {
    for (const [listener, ip] of [['imaps', '127.0.0.6'], ['pop3s', '127.0.0.7']] as const) {
      const shake = (): Promise<boolean> => new Promise((resolve) => {
        const raw = connect({ host: '127.0.0.1', port: s.port(listener), localAddress: ip });
        raw.on('error', () => undefined);
        const t = tlsConnect({ socket: raw, rejectUnauthorized: false });
        t.once('secureConnect', () => { open.push(new Conn(t)); resolve(true); });
        t.once('error', () => resolve(false));
        t.once('close', () => resolve(false));
      });
      for (let i = 0; i < 3; i++) assert.equal(await shake(), true, `${listener} connection ${i + 1}`);
      assert.equal(await shake(), false, `${listener}: the fourth connection from ${ip}`);
    }
    await adminAnswers(s);
  });

  test('http: the connection over the per-address cap gets 503 STOA_SERVER_BUSY; other clients are served', async () => {
    const port = Number(new URL(s.httpBase).port);
    for (let i = 0; i < 4; i++) open.push(await Conn.open(port, '127.0.0.8'));
    const extra = await Conn.open(port, '127.0.0.8');
    open.push(extra);
    const answer = await extra.until(/\r\n\r\n\{.*\}/s);
    assert.match(answer, /^HTTP\/1\.1 503 /);
    assert.match(answer, /Retry-After: 5/i);
    assert.match(answer, /"code":"STOA_SERVER_BUSY"/);
    await adminAnswers(s);
  });

  test('refusals are counted in /metrics', async () => {
    const text = await (await fetch(`${s.httpBase}/metrics`)).text();
    for (const protocol of ['imap', 'pop3', 'managesieve', 'smtp', 'http']) {
      assert.match(text, new RegExp(`stoa_connections_refused_total\\{protocol="${protocol}",reason="ip"\\} [1-9]`), protocol);
    }
  });

  test('an account gets at most imap.maxSessionsPerAccountIp sessions from one address', async () => {
    const login = async (ip: string): Promise<{ c: Conn; answer: string }> => {
      const c = await Conn.open(s.port('imap'), ip);
      open.push(c);
      await c.until(/\r\n/);
      c.send(`a LOGIN ${ALICE} ${DEMO_PASSWORD}`);
      return { c, answer: await c.until(/a (OK|NO|BAD)[^\r\n]*\r\n/) };
    };
    const first = await login('127.0.0.10');
    assert.match(first.answer, /a OK/);
    assert.match((await login('127.0.0.10')).answer, /a OK/);
    assert.match((await login('127.0.0.10')).answer, /a NO \[LIMIT\] Too many sessions/);
    assert.match((await login('127.0.0.11')).answer, /a OK/, 'another address has its own count');
    first.c.close();
    let again = '';
    for (let i = 0; i < 40 && !/a OK/.test(again); i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = (await login('127.0.0.10')).answer;
    }
    assert.match(again, /a OK/, 'a closed session frees its place');
  });

  test('managesieve: an account gets at most managesieve.maxSessionsPerAccountIp sessions from one address', async () => {
    const plain = Buffer.from(`\0${ALICE}\0${DEMO_PASSWORD}`).toString('base64');
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await Conn.open(s.port('managesieve'), '127.0.0.12');
      open.push(c);
      await c.until(/^OK[^\r\n]*\r\n/m);
      c.send(`AUTHENTICATE "PLAIN" "${plain}"`);
      answers.push(await c.until(/^(OK|NO|BYE)[^\r\n]*\r\n/m));
    }
    assert.match(answers[0], /^OK/m);
    assert.match(answers[1], /^OK/m);
    assert.match(answers[2], /^NO \(TRYLATER\) "Too many sessions/m);
  });
});

describe('protocol and process-wide caps', () => {
  let s: FullServer;
  const open: Conn[] = [];
  before(async () => {
    s = await startFullServer((c) => {
      c.connections.maxTotal = 12;
      c.imap = { maxConnections: 5, maxConnectionsPerIp: 5, maxSessionsPerAccountIp: 10, preAuthTimeoutSeconds: 60 };
      Object.assign(c.pop3, { maxConnections: 10, maxConnectionsPerIp: 10, preAuthTimeoutSeconds: 60 });
      Object.assign(c.smtp, { maxConnections: 10, maxConnectionsPerIp: 10, maxConnectionsPerNetwork: 10 });
    });
  });
  after(async () => {
    for (const c of open) c.close();
    await s.close();
  });

  test('a protocol at its cap refuses with "busy"; at the process total every mail listener refuses; HTTP still answers', async () => {
    for (let i = 0; i < 5; i++) {
      const c = await Conn.open(s.port('imap'), `127.0.1.${i + 1}`);
      open.push(c);
      assert.match(await c.until(/\r\n/), /^\* OK/);
    }
    const sixth = await Conn.open(s.port('imap'), '127.0.1.9');
    open.push(sixth);
    assert.match(await sixth.until(/\r\n/), /^\* BYE \[UNAVAILABLE\] Server busy/);
    const pop3: Conn[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await Conn.open(s.port('pop3'), `127.0.2.${i + 1}`);
      pop3.push(c);
      assert.match(await c.until(/\r\n/), /^\+OK/);
    }
    open.push(...pop3);
    // 5 IMAP + 7 POP3 = connections.maxTotal.
    const smtp = await Conn.open(s.port('smtp'), '127.0.3.1');
    open.push(smtp);
    assert.match(await smtp.until(/\r\n/), /^421 4\.3\.2 /);
    const morePop = await Conn.open(s.port('pop3'), '127.0.2.9');
    open.push(morePop);
    assert.match(await morePop.until(/\r\n/), /^-ERR \[SYS\/TEMP\] Server busy/);
    assert.ok(s.logs.some((l) => l.level === 40 && l.reason === 'total'));
    await adminAnswers(s);
    // A place freed is a place taken.
    pop3[0].close();
    let greeting = '';
    for (let i = 0; i < 40 && !/^220 /.test(greeting); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const c = await Conn.open(s.port('smtp'), '127.0.3.2');
      open.push(c);
      greeting = await c.until(/\r\n/);
    }
    assert.match(greeting, /^220 /);
  });
});

describe('clients that never log in, and idle SMTP clients under pressure', () => {
  let s: FullServer;
  const open: Conn[] = [];
  before(async () => {
    s = await startFullServer((c) => {
      c.imap.preAuthTimeoutSeconds = 5;
      c.pop3.preAuthTimeoutSeconds = 5;
      c.managesieve.preAuthTimeoutSeconds = 5;
      Object.assign(c.smtp, { maxConnections: 10, maxConnectionsPerIp: 3, maxConnectionsPerNetwork: 50, busyIdleTimeoutMs: 1000, socketTimeoutMs: 300_000 });
    });
  });
  after(async () => {
    for (const c of open) c.close();
    await s.close();
  });

  test('IMAP, POP3 and ManageSieve end a connection that has not logged in by the deadline, though it keeps talking', async () => {
    const cases = [
      { port: s.port('imap'), keepAlive: 'k NOOP', ended: /^\* BYE Too slow to log in/m },
      { port: s.port('pop3'), keepAlive: 'CAPA', ended: /^-ERR Too slow to log in/m },
      { port: s.port('managesieve'), keepAlive: 'NOOP', ended: /^BYE "Too slow to log in/m },
    ];
    await Promise.all(cases.map(async ({ port, keepAlive, ended }) => {
      const c = await Conn.open(port, '127.0.4.1');
      open.push(c);
      let seen = '';
      // A client that keeps sending harmless commands used to reset the idle timer for ever.
      for (let i = 0; i < 40 && !ended.test(seen) && !c.closed; i++) {
        c.send(keepAlive);
        seen += await c.until(ended, 500);
      }
      assert.match(seen, ended);
    }));
  });

  test('under pressure, SMTP clients that have not started a transaction get the short idle timeout; one in a transaction keeps its time', async () => {
    const busy = await Conn.open(s.port('smtp'), '127.0.5.1');
    open.push(busy);
    await busy.until(/\r\n/);
    busy.send('EHLO busy.example.org');
    await busy.until(/^250 /m);
    busy.send('MAIL FROM:<someone@remote.example>');
    assert.match(await busy.until(/\r\n/), /^250 /);
    const idle: Conn[] = [];
    // 1 + 7 = 8 = 80 % of smtp.maxConnections: the pool comes under pressure.
    for (let i = 0; i < 7; i++) {
      const c = await Conn.open(s.port('smtp'), `127.0.6.${i + 1}`);
      idle.push(c);
      assert.match(await c.until(/\r\n/), /^220 /);
    }
    open.push(...idle);
    for (const c of idle) assert.match(await c.until(/^421 /m, 15_000), /^421 .*[Tt]imeout/m);
    busy.send(`RCPT TO:<${ALICE}>`);
    assert.match(await busy.until(/\r\n/), /^250 /);
    assert.ok(s.logs.some((l) => l.level === 40 && /under pressure/.test(String(l.msg))));
  });
});
