// Login throttling of a whole running server over real sockets (issue 16
// items 3 and 4): parallel wrong passwords over every protocol at once (IMAP,
// POP3, SMTP AUTH, ManageSieve, the API, Autodiscover) cannot race the
// counters past their limit (counted in argon2 computations, never in time),
// each protocol says "throttled" in its own words, and the real user keeps
// logging in from her usual address while someone guesses her password from
// rotating addresses. Each client binds its own 127.x.y.z address; the
// services' clock is injected and only moves when a test says.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { countArgon2 } from '../support/argon2-counter.ts';
import { DEMO_DOMAIN, DEMO_PASSWORD, startFullServer, type FullServer } from '../support/full-server.ts';

const ALICE = `alice@${DEMO_DOMAIN}`;
const BOB = `bob@${DEMO_DOMAIN}`;
const argon2 = countArgon2();

type Protocol = 'imap' | 'pop3' | 'smtp' | 'managesieve' | 'api' | 'autodiscover';
const PROTOCOLS: readonly Protocol[] = ['imap', 'pop3', 'smtp', 'managesieve', 'api', 'autodiscover'];

/** A socket from `localAddress` that collects what the server says. */
class Conn {
  readonly socket: Socket;
  text = '';
  closed = false;
  constructor(port: number, localAddress: string) {
    this.socket = connect({ host: '127.0.0.1', port, localAddress });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => { this.text += d; });
    this.socket.on('close', () => { this.closed = true; });
    this.socket.on('error', () => undefined);
  }
  /** Waits for `re` in what the server said (or its close); returns the match and starts afresh. */
  async until(re: RegExp): Promise<string> {
    for (let waited = 0; !re.test(this.text) && !this.closed && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    const m = re.exec(this.text);
    assert.ok(m, `no ${re} in ${JSON.stringify(this.text)}`);
    this.text = '';
    return m[0];
  }
  send(line: string): void { this.socket.write(`${line}\r\n`); }
}

const plain = (user: string, password: string): string => Buffer.from(`\0${user}\0${password}`).toString('base64');

/** One login on a fresh connection from `ip`; returns the server's answer line (the HTTP status and Retry-After for the API). */
async function login(s: FullServer, protocol: Protocol, ip: string, user: string, password: string): Promise<string> {
  if (protocol === 'api') return httpLogin(s, ip, '/api/v1/session', { 'content-type': 'application/json' }, JSON.stringify({ username: user, password }));
  if (protocol === 'autodiscover') {
    const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    return httpLogin(s, ip, '/autodiscover/autodiscover.xml', { 'content-type': 'text/xml', authorization: basic }, autodiscoverRequest(user));
  }
  const c = new Conn(s.port(protocol === 'smtp' ? 'submission' : protocol), ip);
  try {
    switch (protocol) {
      case 'imap':
        await c.until(/\* OK[^\r\n]*\r\n/);
        c.send(`a LOGIN "${user}" "${password}"`);
        return await c.until(/a (OK|NO|BAD)[^\r\n]*/);
      case 'pop3':
        await c.until(/\+OK[^\r\n]*\r\n/);
        c.send(`USER ${user}`);
        await c.until(/\+OK[^\r\n]*\r\n/);
        c.send(`PASS ${password}`);
        return await c.until(/[+-](OK|ERR)[^\r\n]*/);
      case 'smtp':
        await c.until(/220 [^\r\n]*\r\n/);
        c.send('EHLO client.example');
        await c.until(/250 [^\r\n]*\r\n/);
        c.send(`AUTH PLAIN ${plain(user, password)}`);
        return await c.until(/\d{3} [^\r\n]*/);
      case 'managesieve':
        await c.until(/^OK[^\r\n]*\r\n/m);
        c.send(`AUTHENTICATE "PLAIN" "${plain(user, password)}"`);
        return await c.until(/^(OK|NO|BYE)[^\r\n]*/m);
    }
  } finally {
    c.socket.destroy();
  }
}

/** Outlook's question about its own address, asked with Basic credentials (the AlternativeMailbox lookup logs in). */
const autodiscoverRequest = (email: string): string => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request><EMailAddress>${email}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request>
</Autodiscover>`;

function httpLogin(s: FullServer, ip: string, path: string, headers: Record<string, string>, body: string): Promise<string> {
  const { port } = new URL(s.httpBase);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', localAddress: ip, agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode}${res.headers['retry-after'] ? ` Retry-After: ${res.headers['retry-after']}` : ''}`));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Each protocol's answers: logged in, wrong password, throttled. */
const ANSWERS: Record<Protocol, { ok: RegExp; failed: RegExp; throttled: RegExp }> = {
  imap: { ok: /^a OK/, failed: /^a NO \[AUTHENTICATIONFAILED\]/, throttled: /^a NO \[UNAVAILABLE\] Too many failed logins; try again in \d+ seconds/ },
  pop3: { ok: /^\+OK Logged in/, failed: /^-ERR \[AUTH\] Authentication failed/, throttled: /^-ERR \[SYS\/TEMP\] Too many failed logins; try again in \d+ seconds/ },
  smtp: { ok: /^235 /, failed: /^535 5\.7\.8/, throttled: /^454 4\.7\.0 Too many failed logins; try again in \d+ seconds/ },
  managesieve: { ok: /^OK/, failed: /^NO "Authentication failed"/, throttled: /^NO \(TRYLATER\) "Too many failed logins; try again in \d+ seconds"/ },
  api: { ok: /^200$/, failed: /^401$/, throttled: /^429 Retry-After: \d+$/ },
  autodiscover: { ok: /^200$/, failed: /^401$/, throttled: /^429 Retry-After: \d+$/ },
};

async function passwordChecksMetric(s: FullServer): Promise<number> {
  const text = await (await fetch(`${s.httpBase}/metrics`)).text();
  return Number(/^stoa_auth_password_checks_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe('login throttling over real sockets', () => {
  let s: FullServer;
  let clock = Date.parse('2026-03-02T09:00:00Z');
  before(async () => {
    s = await startFullServer(() => {}, { now: () => clock });
    // The dummy hash that unknown users are checked against is made at the first such login: not inside a count.
    await login(s, 'imap', '127.0.6.1', `nobody@${DEMO_DOMAIN}`, 'x');
  });
  after(async () => s.close());

  test('42 parallel wrong passwords over IMAP, POP3, SMTP AUTH, ManageSieve, the API and Autodiscover at once cost at most accountFreeFailures + 1 password checks (issue 16 item 3)', async () => {
    const { accountFreeFailures } = s.config.auth.throttle;
    const metricBefore = await passwordChecksMetric(s);
    argon2.reset();
    const attempts = Array.from({ length: 42 }, (_, i) => PROTOCOLS[i % PROTOCOLS.length]);
    const answers = await Promise.all(attempts.map((p, i) => login(s, p, '127.0.10.1', BOB, `wrong-${i}`)));
    const checks = argon2.started;
    const failed = answers.filter((a, i) => ANSWERS[attempts[i]].failed.test(a)).length;
    const throttled = answers.filter((a, i) => ANSWERS[attempts[i]].throttled.test(a)).length;
    assert.ok(checks >= 1 && checks <= accountFreeFailures + 1, `${checks} password checks for 42 parallel guesses`);
    assert.equal(failed, checks, 'one check per guess answered "wrong password"');
    assert.equal(failed + throttled, 42, `every other guess is answered "throttled": ${answers.join(' | ')}`);
    for (const p of PROTOCOLS) assert.ok(answers.some((a, i) => attempts[i] === p && ANSWERS[p].throttled.test(a)), `${p} said throttled`);
    assert.equal(await passwordChecksMetric(s) - metricBefore, checks, 'stoa_auth_password_checks_total counts them');
  });

  test('40 parallel guesses from one address at 40 accounts cost at most ipFreeFailures + 1 password checks', async () => {
    const { ipFreeFailures } = s.config.auth.throttle;
    argon2.reset();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(s, 'imap', '127.0.10.2', `user${i}@${DEMO_DOMAIN}`, 'guess')));
    assert.ok(argon2.started <= ipFreeFailures + 1, `${argon2.started} password checks`);
    assert.equal(answers.filter((a) => ANSWERS.imap.throttled.test(a)).length, 40 - argon2.started);
  });

  test('the real user logs in from her usual address over every protocol during a guessing attack from rotating addresses (issue 16 item 4)', async () => {
    const HOME = '127.0.7.1';
    assert.match(await login(s, 'imap', HOME, ALICE, DEMO_PASSWORD), ANSWERS.imap.ok, 'alice logs in from home before the attack');
    const guesses: string[] = [];
    for (let i = 1; i <= 25; i++) guesses.push(await login(s, PROTOCOLS[i % PROTOCOLS.length], `127.0.8.${i}`, ALICE, `guess-${i}`));
    const slowed = guesses.filter((a, i) => ANSWERS[PROTOCOLS[(i + 1) % PROTOCOLS.length]].throttled.test(a)).length;
    assert.equal(slowed, 25 - (s.config.auth.throttle.accountFreeFailures + 1), `the guesses are slowed: ${guesses.join(' | ')}`);
    for (const p of PROTOCOLS) assert.match(await login(s, p, HOME, ALICE, DEMO_PASSWORD), ANSWERS[p].ok, `${p} from home`);
    // An address she has never logged in from waits like the attacker (docs/security.md "Login throttling").
    assert.match(await login(s, 'api', '127.0.9.9', ALICE, DEMO_PASSWORD), ANSWERS.api.throttled);
    assert.match(await login(s, 'pop3', '127.0.9.9', ALICE, DEMO_PASSWORD), ANSWERS.pop3.throttled);
    // One guess every 15 minutes keeps strangers waiting, never her.
    for (let i = 0; i < 6; i++) {
      clock += 15 * 60_000;
      await login(s, 'imap', `127.0.11.${i + 1}`, ALICE, `slow-guess-${i}`);
      assert.match(await login(s, 'imap', HOME, ALICE, DEMO_PASSWORD), ANSWERS.imap.ok, `after ${(i + 1) * 15} minutes`);
    }
  });
});
