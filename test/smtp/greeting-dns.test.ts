// The MX greeting never waits for DNS (issue 16 item 16): the 220 goes out
// at once, the client's reverse name is looked up meanwhile and filled in for
// Received when it comes; loopback and hosts-file addresses are answered
// without DNS; failed lookups are cached (RFC 2308 §5, §7.1). The DNS server
// here holds every query until the test releases it (test/support/held-dns.ts),
// so the order of events is what is checked, never how long anything took.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startHeldDns, type HeldDns } from '../support/held-dns.ts';
import { openSmtpHarness, type SmtpHarness } from './harness.ts';

/** A raw SMTP client bound to a chosen loopback source address (127.0.0.0/8 all reach 127.0.0.1 on Linux). */
class Client {
  readonly socket: Socket;
  buffer = '';
  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.buffer += d; });
    socket.on('error', () => undefined);
  }
  static async open(port: number, localAddress: string, firstWrite?: string): Promise<Client> {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    const client = new Client(socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    if (firstWrite) socket.write(firstWrite);
    return client;
  }
  async reply(): Promise<string> {
    // A hang guard only (8 minutes), not a timing assertion: a busy machine may take long to answer.
    for (let i = 0; i < 19_200; i++) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no reply; buffer ${JSON.stringify(this.buffer)}`);
  }
  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }
  /** EHLO to end of DATA for one message to alice; returns the DATA reply. */
  async send(subject: string): Promise<string> {
    assert.match(await this.command('EHLO client.example.org'), /^250/);
    assert.match(await this.command('MAIL FROM:<someone@remote.example>'), /^250/);
    assert.match(await this.command('RCPT TO:<alice@example.test>'), /^250/);
    assert.match(await this.command('DATA'), /^354/);
    return this.command(`Subject: ${subject}\r\n\r\nhello\r\n.`);
  }
}

const ptrName = (ip: string): string => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;

describe('MX greeting and reverse DNS', () => {
  let dns: HeldDns;
  let h: SmtpHarness;
  let dir: string;
  before(async () => {
    dns = await startHeldDns('hold');
    dir = await mkdtemp(join(tmpdir(), 'stoa-hosts-'));
    await writeFile(join(dir, 'hosts'), '# test hosts file\n127.0.0.3\tknown-host.example.test known\n');
    h = await openSmtpHarness((c) => {
      c.dns.servers = [dns.server];
      // Far longer than the test runs: a held query stays pending until the test releases it.
      c.dns.timeoutMs = 60_000;
      c.dns.hostsFile = join(dir, 'hosts');
    });
  });
  after(async () => {
    await h.close();
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the 220 arrives while the reverse lookup is unanswered, and the name fills in Received when it comes', async () => {
    const answeredBefore = dns.answered;
    const c = await Client.open(h.ports.smtp, '127.0.0.2');
    assert.match(await c.reply(), /^220 /);
    // The greeting is out; DNS has answered nothing yet (the query is held).
    assert.equal(dns.answered, answeredBefore);
    await dns.waitForQuery(ptrName('127.0.0.2'));
    assert.ok(dns.answerPtr(ptrName('127.0.0.2'), 'late-name.example.net') >= 1);
    assert.match(await c.send('late reverse name'), /^250 /);
    const inbox = await h.messages('alice@example.test');
    const msg = inbox.find((m) => m.includes('Subject: late reverse name'))!;
    assert.match(msg, /^Received: from client\.example\.org \(late-name\.example\.net \[127\.0\.0\.2\]\)/m);
    c.socket.destroy();
  });

  test('loopback and hosts-file addresses are named without a DNS query', async () => {
    const before = dns.queries.length;
    for (const [ip, name] of [['127.0.0.1', 'localhost'], ['127.0.0.3', 'known-host.example.test']] as const) {
      const c = await Client.open(h.ports.smtp, ip);
      assert.match(await c.reply(), /^220 /);
      assert.match(await c.send(`local name ${ip}`), /^250 /);
      const msg = (await h.messages('alice@example.test')).find((m) => m.includes(`Subject: local name ${ip}`))!;
      assert.match(msg, new RegExp(`^Received: from client\\.example\\.org \\(${name.replaceAll('.', '\\.')} \\[${ip.replaceAll('.', '\\.')}\\]\\)`, 'm'));
      c.socket.destroy();
    }
    assert.equal(dns.queries.filter((q) => q.name.endsWith('.127.in-addr.arpa')).length - dns.queries.slice(0, before).filter((q) => q.name.endsWith('.127.in-addr.arpa')).length, 0);
  });

  test('a client that talks before the banner is answered after it (no early-talker check by default)', async () => {
    const c = await Client.open(h.ports.smtp, '127.0.0.1', 'EHLO early.example.org\r\n');
    assert.match(await c.reply(), /^220 /);
    assert.match(await c.reply(), /^250[- ]/);
    c.socket.destroy();
  });
});

describe('MX greeting with a resolver that never answers', () => {
  let dns: HeldDns;
  let h: SmtpHarness;
  before(async () => {
    dns = await startHeldDns('drop');
    h = await openSmtpHarness((c) => {
      c.dns.servers = [dns.server];
      c.dns.timeoutMs = 300;
      c.dns.hostsFile = null;
    });
  });
  after(async () => {
    await h.close();
    await dns.close();
  });

  test('mail flows without a name, and the timed-out lookup is not repeated for the next connection', async () => {
    const first = await Client.open(h.ports.smtp, '127.0.0.5');
    assert.match(await first.reply(), /^220 /);
    assert.equal(dns.answered, 0);
    assert.match(await first.send('no reverse name'), /^250 /);
    // No reverse name scores (RDNS_NONE): the message may be filed in Junk.
    const all = [...await h.messages('alice@example.test'), ...await h.messages('alice@example.test', 'Junk')];
    const msg = all.find((m) => m.includes('Subject: no reverse name'))!;
    assert.match(msg, /^Received: from client\.example\.org \(\[127\.0\.0\.5\]\)/m);
    first.socket.destroy();
    const asked = dns.queries.filter((q) => q.name === ptrName('127.0.0.5')).length;
    assert.ok(asked >= 1);
    const second = await Client.open(h.ports.smtp, '127.0.0.5');
    assert.match(await second.reply(), /^220 /);
    assert.match(await second.send('again no reverse name'), /^250 /);
    second.socket.destroy();
    assert.equal(dns.queries.filter((q) => q.name === ptrName('127.0.0.5')).length, asked, 'the failure was cached');
  });
});

describe('early-talker check when configured', () => {
  let h: SmtpHarness;
  before(async () => {
    h = await openSmtpHarness((c) => {
      c.smtp.earlyTalkerDelayMs = 1000;
      c.dns.hostsFile = null;
    });
  });
  after(async () => h.close());

  test('MX refuses a client that talks before the banner; submission never waits', async () => {
    const early = await Client.open(h.ports.smtp, '127.0.0.1', 'EHLO early.example.org\r\n');
    assert.match(await early.reply(), /^421 .*talk too soon/i);
    early.socket.destroy();
    const polite = await Client.open(h.ports.smtp, '127.0.0.1');
    assert.match(await polite.reply(), /^220 /);
    assert.match(await polite.command('EHLO polite.example.org'), /^250/);
    polite.socket.destroy();
    const submission = await Client.open(h.ports.submission, '127.0.0.1', 'EHLO early.example.org\r\n');
    assert.match(await submission.reply(), /^220 /);
    assert.match(await submission.reply(), /^250[- ]/);
    submission.socket.destroy();
  });
});
