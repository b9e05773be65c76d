// End to end: two real Stoa processes (`node bin/stoa.js serve`) exchange mail
// the way two organisations' servers do on the Internet. A dnsmasq on loopback
// publishes MX, A, SPF, DKIM and DMARC records for both domains; A's queue
// finds B through MX lookup and delivers to B's MX listener; B checks SPF,
// DKIM and DMARC against that DNS. Users read their mail over IMAP.
//
// Addressing: A (alpha.test) binds every listener to 127.0.0.1, B (beta.test)
// to 127.0.0.2 — both loopback, both reachable without any network. The MX
// listeners of both share one port number P (free on both addresses), so
// `queue.remotePort: P` on both instances is exactly "port 25" of a real
// network: the MX record alone decides where mail goes. A connects to
// 127.0.0.2 from 127.0.0.1 (the kernel's source address for loopback), which
// is the address alpha.test's MX host has, so `v=spf1 mx -all` passes.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { startDnsmasq, txtRecord, type Dnsmasq } from '../support/dnsmasq.ts';
import { parseDsn } from '../queue/dsn-parse.ts';
import { freePortOn } from '../queue/peers.ts';
import { freePort, startStoa, tempDir } from '../cli/run-stoa.ts';

const PASSWORD = 'quartz-meadow-4711';
const ADMIN_PASSWORD = 'lantern-orchard-2093';

interface Instance {
  name: 'A' | 'B';
  domain: string;
  ip: string;
  hostname: string;
  dataDir: string;
  configFile: string;
  env: Record<string, string>;
  ports: { http: number; submission: number; imap: number };
  child: ChildProcess | null;
  log: string;
  cookie: string;
}

function configYaml(i: Instance, mxPort: number, dnsServer: string): string {
  // Every listener on this instance's own loopback address; the ones the test does not use are off.
  return [
    `dataDir: ${i.dataDir}`,
    `hostname: ${i.hostname}`,
    'listeners:',
    ...['http', 'smtp', 'submission', 'imap'].flatMap((l) => [`  ${l}:`, `    host: ${i.ip}`]),
    ...['smtps', 'imaps', 'pop3', 'pop3s', 'managesieve'].flatMap((l) => [`  ${l}:`, '    enabled: false']),
    'firstStart:',
    '  demo:',
    '    enabled: false',
    'dns:',
    `  servers: ["${dnsServer}"]`,
    '  timeoutMs: 2000',
    'queue:',
    `  remotePort: ${mxPort}`,
    '  timeouts:',
    '    connectMs: 2000',
    '    greetingMs: 5000',
    '    socketMs: 10000',
    '  worker:',
    '    pollIntervalMs: 500',
    '    stopTimeoutMs: 2000',
    '',
  ].join('\n');
}

function serve(i: Instance): Promise<void> {
  const child = startStoa(['serve'], { env: i.env });
  i.child = child;
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => { i.log = (i.log + d.toString()).slice(-20_000); });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('Stop with Ctrl-C')) resolve();
    });
    child.once('exit', (code, signal) => {
      if (i.child === child) i.child = null;
      reject(new Error(`${i.name}: serve exited (${code ?? signal}); stderr:\n${i.log}`));
    });
  });
}

async function stop(i: Instance): Promise<void> {
  const child = i.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
  i.child = null;
}

async function api(i: Instance, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { cookie: i.cookie, 'x-stoa-csrf': '1' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://${i.ip}:${i.ports.http}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function login(i: Instance): Promise<void> {
  const res = await fetch(`http://${i.ip}:${i.ports.http}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  assert.equal(res.status, 200, `${i.name}: admin login: ${await res.text()}`);
  i.cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(200);
  }
}

/** Every message of a user's INBOX, read over IMAP with STARTTLS, as raw bytes. */
async function inbox(i: Instance, user: string): Promise<Buffer[]> {
  const client = new ImapFlow({
    host: i.ip, port: i.ports.imap, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false },
    auth: { user: `${user}@${i.domain}`, pass: PASSWORD }, logger: false, qresync: false,
  });
  await client.connect();
  try {
    const box = await client.mailboxOpen('INBOX', { readOnly: true });
    const out: Buffer[] = [];
    if (box.exists === 0) return out;
    for await (const m of client.fetch('1:*', { source: true })) out.push(m.source!);
    return out;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const withSubject = (messages: Buffer[], subject: string): Buffer[] =>
  messages.filter((m) => headerOf(m).includes(`\r\nSubject: ${subject}\r\n`));

/** The messages with this subject, or null while there are none (for `until`). */
const found = (messages: Buffer[], subject: string): Buffer[] | null => {
  const hits = withSubject(messages, subject);
  return hits.length > 0 ? hits : null;
};

/** The header block of a message, unfolded (RFC 5322 §2.2.3), each field between CRLFs. */
const headerOf = (m: Buffer): string => `\r\n${m.toString('utf8').split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ')}\r\n`;

function submit(i: Instance, mail: SendMailOptions) {
  const transport = nodemailer.createTransport({
    host: i.ip, port: i.ports.submission, secure: false, requireTLS: true, tls: { rejectUnauthorized: false },
    auth: { user: `alice@${i.domain}`, pass: PASSWORD },
  });
  return transport.sendMail(mail).finally(() => transport.close());
}

describe('two Stoa servers deliver to each other through MX, with SPF, DKIM and DMARC', { timeout: 900_000 }, () => {
  const root = tempDir('two-servers');
  let dns: Dnsmasq | null = null;
  let mxPort = 0;
  const a: Instance = {
    name: 'A', domain: 'alpha.test', ip: '127.0.0.1', hostname: 'mx.alpha.test', dataDir: '', configFile: '', env: {},
    ports: { http: 0, submission: 0, imap: 0 }, child: null, log: '', cookie: '',
  };
  const b: Instance = {
    name: 'B', domain: 'beta.test', ip: '127.0.0.2', hostname: 'mx.beta.test', dataDir: '', configFile: '', env: {},
    ports: { http: 0, submission: 0, imap: 0 }, child: null, log: '', cookie: '',
  };
  // A failed `before` or a killed runner must not leave servers behind.
  const killAll = (): void => { for (const i of [a, b]) i.child?.kill('SIGKILL'); dns?.stop(); };
  process.once('exit', killAll);

  before(async () => {
    mxPort = await freePortOn([a.ip, b.ip]);
    const dnsPort = await freePort();
    for (const i of [a, b]) {
      i.dataDir = join(root.path, i.name, 'data');
      mkdirSync(i.dataDir, { recursive: true });
      i.configFile = join(root.path, i.name, 'stoa.yaml');
      i.ports = { http: await freePort(i.ip), submission: await freePort(i.ip), imap: await freePort(i.ip) };
      writeFileSync(i.configFile, configYaml(i, mxPort, `127.0.0.1:${dnsPort}`));
      i.env = {
        STOA_CONFIG: i.configFile, STOA_ADMIN_PASSWORD: ADMIN_PASSWORD, STOA_LOG_LEVEL: 'warn',
        STOA_HTTP_PORT: String(i.ports.http), STOA_SMTP_PORT: String(mxPort), STOA_SUBMISSION_PORT: String(i.ports.submission),
        STOA_IMAP_PORT: String(i.ports.imap), STOA_SMTPS_PORT: '0', STOA_IMAPS_PORT: '0', STOA_POP3_PORT: '0', STOA_POP3S_PORT: '0',
      };
    }
    await Promise.all([serve(a), serve(b)]);

    // Domains, users and DKIM keys through each server's admin API, as an operator would.
    const dkimRecords: string[] = [];
    await Promise.all([a, b].map(async (i) => {
      await login(i);
      const domain = await api(i, 'POST', '/domains', { name: i.domain });
      assert.equal(domain.status, 201, JSON.stringify(domain.body));
      for (const user of i === a ? ['alice', 'carol'] : ['bob']) {
        const account = await api(i, 'POST', '/accounts', { address: `${user}@${i.domain}`, password: PASSWORD });
        assert.equal(account.status, 201, JSON.stringify(account.body));
      }
      const dkim = await api(i, 'GET', `/domains/${i.domain}/dkim`);
      assert.equal(dkim.status, 200, JSON.stringify(dkim.body));
      const records = dkim.body.records as { name: string; value: string; active: boolean }[];
      assert.ok(records.some((r) => r.active), `${i.domain} has an active DKIM key`);
      for (const r of records) dkimRecords.push(txtRecord(r.name, r.value));
    }));

    // The DNS both servers use: nothing but these records, no upstream.
    const dnsRecords = [a, b].flatMap((i) => [
      `--local=/${i.domain}/`,
      `--mx-host=${i.domain},${i.hostname},10`,
      // host-record also answers the PTR query, so Received shows the sender's name.
      `--host-record=${i.hostname},${i.ip}`,
      `--txt-record=${i.domain},v=spf1 mx -all`,
      `--txt-record=_dmarc.${i.domain},v=DMARC1; p=reject`,
    ]);
    dns = await startDnsmasq([...dnsRecords, ...dkimRecords, '--local=/127.in-addr.arpa/'], { name: a.domain, type: 'TXT' }, dnsPort);
  });

  after(async () => {
    await Promise.all([stop(a), stop(b)]).catch(() => killAll());
    dns?.stop();
    process.removeListener('exit', killAll);
    root.cleanup();
  });

  test('dnsmasq serves the MX of both domains at their loopback addresses', async () => {
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([dns!.server]);
    for (const i of [a, b]) {
      assert.deepEqual((await resolver.resolveMx(i.domain)).map((r) => [r.exchange, r.priority]), [[i.hostname, 10]]);
      assert.deepEqual(await resolver.resolve4(i.hostname), [i.ip]);
    }
  });

  test('alice submits to bob on the other server and carol on hers: carol gets it locally, bob through MX with SPF, DKIM and DMARC passing', async () => {
    const info = await submit(a, {
      from: `Alice <alice@${a.domain}>`, to: [`bob@${b.domain}`, `carol@${a.domain}`],
      subject: 'Quarterly figures', messageId: '<figures-1@alpha.test>', text: 'Hello Bob and Carol,\n\nthe figures are attached.\n',
    });
    assert.deepEqual([...info.accepted].sort(), [`bob@${b.domain}`, `carol@${a.domain}`]);
    assert.match(info.response, /^250 /);

    const [atBob] = await until('the message in bob\'s INBOX on B', async () => found(await inbox(b, 'bob'), 'Quarterly figures'));
    const head = headerOf(atBob);
    const results = /\r\nAuthentication-Results: ([^\r]*)/.exec(head)?.[1] ?? '';
    assert.ok(results.startsWith(`${b.hostname};`), `B writes Authentication-Results as ${b.hostname}: ${results}`);
    assert.match(results, /\bspf=pass\b[^;]*smtp\.mailfrom=alice@alpha\.test/i);
    assert.match(results, /\bdkim=pass\b[^;]*header\.[di]=@?alpha\.test/i);
    assert.match(results, /\bdmarc=pass\b[^;]*header\.from=alpha\.test/i);
    assert.match(head, /\r\nDKIM-Signature: [^\r]*\bd=alpha\.test;/, 'signed by A with alpha.test\'s key');
    // B received it from A over TLS, from A's address, and A's queue was the client.
    assert.match(head, new RegExp(`\\r\\nReceived: from ${a.hostname.replace(/\./g, '\\.')} \\([^)]*\\[127\\.0\\.0\\.1\\]\\)[^\\r]* by ${b.hostname.replace(/\./g, '\\.')}[^\\r]*TLS`));
    assert.match(head, /\r\nReturn-Path: <alice@alpha\.test>/);
    assert.match(atBob.toString('utf8'), /the figures are attached\./);

    const [atCarol] = await until('the message in carol\'s INBOX on A', async () => found(await inbox(a, 'carol'), 'Quarterly figures'));
    assert.match(headerOf(atCarol), /\r\nMessage-ID: <figures-1@alpha\.test>/i);
    assert.doesNotMatch(headerOf(atCarol), /\r\nAuthentication-Results:/, 'carol\'s copy never went through an MX');

    // A's queue carried bob's copy only, and it is delivered.
    const queued = await api(a, 'GET', '/queue?includeCompleted=true');
    assert.equal(queued.status, 200);
    assert.equal(queued.body.total, 1, JSON.stringify(queued.body.items));
    const detail = await api(a, 'GET', `/queue/${queued.body.items[0].id}`);
    assert.deepEqual(detail.body.recipients.map((r: { address: string; status: string }) => [r.address, r.status]), [[`bob@${b.domain}`, 'delivered']]);
    const attempt = detail.body.attempts.at(-1);
    assert.equal(attempt.mxHost, b.hostname);
    assert.equal(attempt.ip, b.ip);
    assert.equal(attempt.tls, true);
    assert.equal(attempt.result, 'delivered');
  });

  test('mail to a user B does not have: B refuses it at RCPT with 550 5.1.1, A fails the recipient and alice gets a DSN', async () => {
    await submit(a, {
      from: `Alice <alice@${a.domain}>`, to: `nobody@${b.domain}`, subject: 'Are you there?', messageId: '<nobody-1@alpha.test>', text: 'Hello?\n',
    });
    const failed = await until('the recipient failed in A\'s queue', async () => {
      const list = await api(a, 'GET', `/queue?includeCompleted=true&domain=${b.domain}`);
      for (const item of list.body.items as { id: string }[]) {
        const detail = await api(a, 'GET', `/queue/${item.id}`);
        const r = detail.body.recipients.find((x: { address: string }) => x.address === `nobody@${b.domain}`);
        if (r?.status === 'failed' && r.noticePending === null) return { detail: detail.body, recipient: r };
      }
      return null;
    });
    assert.deepEqual([failed.recipient.lastResponse.code, failed.recipient.lastResponse.enhanced], [550, '5.1.1']);
    assert.equal(failed.recipient.attempts, 1, 'a permanent answer is not retried');
    const attempt = failed.detail.attempts.find((x: { address: string }) => x.address === `nobody@${b.domain}`);
    assert.deepEqual([attempt.result, attempt.mxHost, attempt.ip, attempt.response.code], ['failed', b.hostname, b.ip, 550]);

    const [dsnBytes] = await until('the DSN in alice\'s INBOX', async () => {
      const reports = (await inbox(a, 'alice')).filter((m) => /\r\nContent-Type: multipart\/report;/i.test(headerOf(m)));
      return reports.length > 0 ? reports : null;
    });
    const dsn = parseDsn(dsnBytes);
    assert.equal(dsn.reportType, 'delivery-status');
    assert.equal(dsn.recipients.length, 1);
    const [rcpt] = dsn.recipients;
    assert.equal(rcpt['final-recipient'].toLowerCase(), `rfc822; nobody@${b.domain}`);
    assert.equal(rcpt.action, 'failed');
    assert.equal(rcpt.status, '5.1.1');
    assert.match(rcpt['remote-mta'] ?? '', new RegExp(`^dns; ?${b.hostname.replace(/\./g, '\\.')}`, 'i'));
    assert.match(rcpt['diagnostic-code'] ?? '', /^smtp; ?550 5\.1\.1/i);
    assert.match(dsn.perMessage['reporting-mta'], new RegExp(`^dns; ?${a.hostname.replace(/\./g, '\\.')}$`, 'i'));
    assert.match(dsn.originalType, /^(message\/rfc822|text\/rfc822-headers)/);
    assert.match(dsn.original, /\r\nSubject: Are you there\?\r\n/);
    assert.match(headerOf(dsnBytes), /\r\nTo: [^\r]*alice@alpha\.test/i);
  });

  test('an outsider cannot relay through A\'s MX to another domain: 554 5.7.1', async () => {
    const before = (await api(a, 'GET', '/queue?includeCompleted=true')).body.total;
    const outsider = nodemailer.createTransport({ host: a.ip, port: mxPort, secure: false, tls: { rejectUnauthorized: false } });
    try {
      await assert.rejects(
        outsider.sendMail({ from: 'mallory@outside.example', to: `bob@${b.domain}`, subject: 'Cheap watches', text: 'Buy now.\n' }),
        (err: { responseCode?: number; response?: string }) => {
          assert.equal(err.responseCode, 554, String(err.response));
          assert.match(err.response ?? '', /^554 5\.7\.1 /);
          return true;
        },
      );
    } finally {
      outsider.close();
    }
    assert.equal((await api(a, 'GET', '/queue?includeCompleted=true')).body.total, before, 'nothing was queued');
  });

  test('while B is down the message is deferred; after B is back an operator retry delivers it exactly once', async () => {
    await stop(b);
    await submit(a, {
      from: `Alice <alice@${a.domain}>`, to: `bob@${b.domain}`, subject: 'Sent while B was down', messageId: '<down-1@alpha.test>', text: 'Still there?\n',
    });
    const deferred = await until('the message deferred in A\'s queue', async () => {
      const list = await api(a, 'GET', `/queue?status=deferred&domain=${b.domain}`);
      const id = (list.body.items as { id: string }[])[0]?.id;
      if (!id) return null;
      const detail = await api(a, 'GET', `/queue/${id}`);
      return detail.body.attempts.length > 0 ? { id, detail: detail.body } : null;
    });
    const [recipient] = deferred.detail.recipients;
    assert.equal(recipient.address, `bob@${b.domain}`);
    assert.equal(recipient.status, 'deferred');
    assert.equal(recipient.attempts, 1);
    assert.ok(Date.parse(recipient.nextAttemptAt) > Date.now() + 60_000, 'the next attempt follows the retry schedule (5 minutes)');
    const [attempt] = deferred.detail.attempts;
    assert.equal(attempt.address, `bob@${b.domain}`);
    assert.equal(attempt.result, 'deferred');
    assert.ok(recipient.lastResponse && recipient.lastResponse.code >= 400 && recipient.lastResponse.code < 500, JSON.stringify(recipient.lastResponse));

    await serve(b);
    const retry = await api(a, 'POST', `/queue/${deferred.id}/retry`);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.deepEqual(retry.body, { rescheduled: 1 });
    const delivered = await until('the retried message delivered', async () => {
      const detail = await api(a, 'GET', `/queue/${deferred.id}`);
      return detail.body.recipients[0].status === 'delivered' ? detail.body : null;
    });
    assert.equal(delivered.recipients[0].attempts, 2);
    assert.deepEqual(delivered.attempts.map((x: { result: string }) => x.result), ['deferred', 'delivered']);
    assert.equal(delivered.attempts[1].ip, b.ip);

    // One more poll interval of A's worker: nothing may arrive a second time.
    await sleep(1500);
    const copies = withSubject(await inbox(b, 'bob'), 'Sent while B was down');
    assert.equal(copies.length, 1, `bob has ${copies.length} copies`);
    assert.match(headerOf(copies[0]), /\r\nAuthentication-Results: mx\.beta\.test;[^\r]*\bdkim=pass\b[^\r]*\bspf=pass\b[^\r]*\bdmarc=pass\b/);
    // Scenario 1's message is still there once too, and the relay attempt never reached B.
    const all = await inbox(b, 'bob');
    assert.equal(withSubject(all, 'Quarterly figures').length, 1);
    assert.equal(withSubject(all, 'Cheap watches').length, 0);
  });
});

