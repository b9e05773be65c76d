// What a message may claim about itself (issue 16 items 6, 7 and 14), over
// real SMTP sessions:
// - submission: one From:, at most one Sender:, and every author field
//   (From:, Sender:, Resent-From:, Resent-Sender:) the user's own;
// - authentication results the sender wrote (Authentication-Results and
//   ARC-Authentication-Results with this server's authserv-id, any
//   Received-SPF) are renamed before Stoa adds its own (RFC 8601 §5);
// - unauthenticated MX mail in the name of a hosted domain that publishes no
//   SPF or DMARC is refused, or filed in Junk, per domain. A real DNS server
//   (dnsmasq) answers for the hosted domains.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import { createDkimSigner } from '../../server/src/mail-auth/dkim-sign.ts';
import { freePort } from '../cli/run-stoa.ts';
import { startDnsmasq, txtRecord, type Dnsmasq } from '../support/dnsmasq.ts';
import { PASSWORD, openSmtpHarness, replyOf, transport, type SmtpHarness } from './harness.ts';
import { envelope } from './raw-client.ts';

const system = systemActor();

/** Sends `raw` as it is over the MX listener; the reply to the final dot. */
async function mx(h: SmtpHarness, from: string, to: string, raw: string): Promise<string> {
  const c = await envelope(h.ports.smtp, from, [to]);
  assert.match(await c.command('DATA'), /^354/);
  c.write(`${raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.\r\n`);
  const reply = await c.reply();
  c.close();
  return reply;
}

/** Sends `raw` over submission as `user`; the error reply, or 'ok'. */
async function submit(h: SmtpHarness, user: string, envelopeFrom: string, to: string, raw: string): Promise<string> {
  try {
    await transport(h, 'submission', user).sendMail({ envelope: { from: envelopeFrom, to: [to] }, raw });
    return 'ok';
  } catch (err) {
    return replyOf(err);
  }
}

const header = (message: string): string => message.slice(0, message.search(/\r?\n\r?\n/));

describe('message headers that claim too much', () => {
  let h: SmtpHarness;
  let dns: Dnsmasq | null = null;
  let dnsPort = 0;

  before(async () => {
    dnsPort = await freePort();
    h = await openSmtpHarness((c) => {
      c.dns.servers = [`127.0.0.1:${dnsPort}`];
      c.dns.timeoutMs = 2000;
      c.mailAuth.localSendersDomains = { 'junkmode.test': 'junk', 'open.test': 'off' };
      c.smtp.spoolMemoryBytes = 64 * 1024;
    });
    for (const name of ['published.test', 'junkmode.test', 'open.test']) await h.directory.domains.create(system, { name });
    await h.directory.accounts.create(system, { address: 'carol@junkmode.test', password: PASSWORD });
    const dkim = await h.services.dkim.records(await h.directory.domains.get(system, 'example.test'));
    dns = await startDnsmasq([
      // Authoritative for the hosted domains: what is not listed does not exist.
      '--local=/example.test/', '--local=/alias.test/', '--local=/published.test/', '--local=/junkmode.test/', '--local=/open.test/', '--local=/remote.example/',
      '--txt-record=published.test,v=spf1 ?all',
      ...dkim.map((r) => txtRecord(r.name, r.value)),
    ], { name: 'example.test', type: 'TXT', absent: true }, dnsPort);
  });
  after(async () => {
    dns?.stop();
    await h.close();
  });

  describe('submission author fields (item 6, done by the services refactor)', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['two From: fields, the second forged', 'From: alice@example.test\r\nFrom: ceo@bank.example\r\nSubject: x\r\n\r\nbody\r\n', /^550 5\.6\.0 .*more than one From:/],
      ['two Sender: fields', 'From: alice@example.test\r\nSender: alice@example.test\r\nSender: ceo@bank.example\r\nSubject: x\r\n\r\nbody\r\n', /^550 5\.6\.0 .*more than one Sender:/],
      ['a Sender: not hers', 'From: alice@example.test\r\nSender: bob@example.test\r\nSubject: x\r\n\r\nbody\r\n', /^553 5\.7\.1 .*Sender: <bob@example\.test> is not yours/],
      ['a Resent-From: not hers', 'From: alice@example.test\r\nResent-From: ceo@bank.example\r\nSubject: x\r\n\r\nbody\r\n', /^553 5\.7\.1 .*Resent-From: <ceo@bank\.example> is not yours/],
      ['no From: at all', 'Subject: x\r\n\r\nbody\r\n', /^550 5\.6\.0 .*no From: field/],
    ];
    for (const [what, raw, expected] of cases) {
      test(`a submitted message with ${what} is refused and not relayed`, async () => {
        const before = (await h.queued()).length;
        assert.match(await submit(h, 'alice@example.test', 'alice@example.test', 'partner@remote.example', raw), expected);
        assert.equal((await h.queued()).length, before);
      });
    }
  });

  describe('authentication fields written by the sender (item 7)', () => {
    const forged = [
      'Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=bank.example; dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example',
      'Authentication-Results: (comment) MX.Example.Test.; arc=pass',
      'Authentication-Results: "mx.example.test" 1; dmarc=pass',
      'Authentication-Results: upstream.example.org; spf=pass smtp.mailfrom=partner.example',
      'Received-SPF: pass (mx.example.test: domain of bank.example designates 192.0.2.1 as permitted sender)',
      'ARC-Authentication-Results: i=1; mx.example.test; dmarc=pass',
      'ARC-Authentication-Results: i=1; relay.example.org; dmarc=pass',
    ].join('\r\n');

    test('on MX, forged results claiming this server and every Received-SPF are renamed; Stoa\'s own come first; others stay', async () => {
      const reply = await mx(h, 'news@remote.example', 'bob@example.test', `${forged}\r\nFrom: news@remote.example\r\nSubject: forged results\r\nMessage-ID: <item7-mx@remote.example>\r\n\r\nbody\r\n`);
      assert.match(reply, /^250 /);
      const stored = (await h.messages('bob@example.test')).find((m) => m.includes('<item7-mx@remote.example>'));
      assert.ok(stored);
      const head = header(stored);
      const lines = head.split(/\r?\n/);
      // Stoa's own verdict is above the message's fields.
      const own = lines.findIndex((l) => l.startsWith('Authentication-Results: mx.example.test;'));
      assert.ok(own >= 0, head);
      assert.ok(own < lines.findIndex((l) => l.startsWith('X-Untrusted-Authentication-Results:')), head);
      for (const renamed of [
        'X-Untrusted-Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=bank.example;',
        'X-Untrusted-Authentication-Results: (comment) MX.Example.Test.; arc=pass',
        'X-Untrusted-Authentication-Results: "mx.example.test" 1; dmarc=pass',
        'X-Untrusted-Received-SPF: pass (mx.example.test: domain of bank.example',
        'X-Untrusted-ARC-Authentication-Results: i=1; mx.example.test; dmarc=pass',
      ]) assert.ok(lines.some((l) => l.startsWith(renamed)), `${renamed}\n${head}`);
      // Results of other authserv-ids are theirs to vouch for.
      assert.ok(lines.includes('Authentication-Results: upstream.example.org; spf=pass smtp.mailfrom=partner.example'), head);
      assert.ok(lines.includes('ARC-Authentication-Results: i=1; relay.example.org; dmarc=pass'), head);
      // Exactly one Authentication-Results names this server, and it is Stoa's.
      assert.equal(lines.filter((l) => /^Authentication-Results:\s*(\(comment\)\s*)?"?mx\.example\.test/i.test(l)).length, 1, head);
      assert.equal(lines.filter((l) => l.startsWith('Received-SPF:')).length, 1, head);
    });

    test('a large message, spooled to disk, is rewritten the same way and arrives whole', async () => {
      const body = `${'0123456789abcdef'.repeat(64)}\r\n`.repeat(200); // ~200 KiB: past smtp.spoolMemoryBytes
      const reply = await mx(h, 'news@remote.example', 'bob@example.test', `${forged}\r\nFrom: news@remote.example\r\nSubject: big\r\nMessage-ID: <item7-big@remote.example>\r\n\r\n${body}`);
      assert.match(reply, /^250 /);
      const stored = (await h.messages('bob@example.test')).find((m) => m.includes('<item7-big@remote.example>'));
      assert.ok(stored);
      assert.match(header(stored), /^X-Untrusted-Received-SPF: /m);
      // The client's DATA ends with the CRLF before the final dot, which belongs to the message.
      assert.equal(stored.slice(stored.indexOf('\r\n\r\n') + 4), `${body}\r\n`, 'the body arrives byte for byte after the rewritten header');
    });

    test('a local user cannot hand another one a verdict either: submission renames them too', async () => {
      const raw = 'Authentication-Results: mx.example.test; dmarc=pass header.from=bank.example\r\nFrom: alice@example.test\r\nSubject: from inside\r\nMessage-ID: <item7-sub@example.test>\r\n\r\nbody\r\n';
      assert.equal(await submit(h, 'alice@example.test', 'alice@example.test', 'bob@example.test', raw), 'ok');
      const stored = (await h.messages('bob@example.test')).find((m) => m.includes('<item7-sub@example.test>'));
      assert.ok(stored);
      assert.match(header(stored), /^X-Untrusted-Authentication-Results: mx\.example\.test; dmarc=pass/m);
      assert.doesNotMatch(header(stored), /^Authentication-Results:/m);
    });
  });

  describe('unauthenticated mail in the name of a hosted domain (item 14)', () => {
    const message = (from: string, id: string): string => `From: ${from}\r\nTo: bob@example.test\r\nSubject: urgent wire transfer\r\nMessage-ID: <${id}>\r\n\r\nPlease pay.\r\n`;

    test('a forged From: of a hosted domain without SPF or DMARC is refused with 550 5.7.1', async () => {
      const reply = await mx(h, 'attacker@remote.example', 'bob@example.test', message('ceo@example.test', 'item14-from@remote.example'));
      assert.match(reply, /^550 5\.7\.1 .*From: claims example\.test, which is hosted here and publishes no SPF or DMARC record/);
      assert.equal((await h.messages('bob@example.test')).some((m) => m.includes('item14-from@remote.example')), false);
    });

    test('a forged MAIL FROM of a hosted domain (alias domain too) is refused the same way', async () => {
      assert.match(await mx(h, 'ceo@example.test', 'bob@example.test', message('someone@remote.example', 'item14-env@remote.example')), /^550 5\.7\.1 .*MAIL FROM claims example\.test/);
      assert.match(await mx(h, 'ceo@alias.test', 'bob@example.test', message('someone@remote.example', 'item14-alias@remote.example')), /^550 5\.7\.1 .*MAIL FROM claims alias\.test/);
    });

    test('mail really from the domain, DKIM-signed with its own key, is accepted over MX', async () => {
      const signer = createDkimSigner(h.store, createLogger({ log: { level: 'silent', pretty: false } }));
      const signed = await signer.signMessage(Buffer.from(message('alice@example.test', 'item14-signed@example.test')), 'example.test');
      assert.match(signed.toString(), /^DKIM-Signature: /);
      assert.match(await mx(h, 'alice@example.test', 'bob@example.test', signed.toString()), /^250 /);
      // Accepted: where the spam score puts it (DMARC cannot pass without a record) is the filter's business.
      const all = [...await h.messages('bob@example.test'), ...await h.messages('bob@example.test', 'Junk')];
      const stored = all.find((m) => m.includes('item14-signed@example.test'));
      assert.ok(stored);
      assert.match(header(stored), /dkim=pass header\.i=@example\.test/);
      assert.doesNotMatch(header(stored), /X-Stoa-Warning/);
    });

    test('a hosted domain that publishes SPF is left to SPF and DMARC', async () => {
      assert.match(await mx(h, 'attacker@remote.example', 'bob@example.test', message('ceo@published.test', 'item14-published@remote.example')), /^250 /);
    });

    test('per domain: "junk" delivers to Junk with a warning, "off" delivers as before', async () => {
      assert.match(await mx(h, 'attacker@remote.example', 'carol@junkmode.test', message('boss@junkmode.test', 'item14-junk@remote.example').replace('bob@example.test', 'carol@junkmode.test')), /^250 /);
      const junk = (await h.messages('carol@junkmode.test', 'Junk')).find((m) => m.includes('item14-junk@remote.example'));
      assert.ok(junk, 'filed in Junk');
      assert.match(header(junk), /^X-Stoa-Warning: unauthenticated sender: From: claims junkmode\.test/m);
      assert.match(await mx(h, 'attacker@remote.example', 'bob@example.test', message('boss@open.test', 'item14-off@remote.example')), /^250 /);
    });

    test('the user herself, logged in on submission, sends as before', async () => {
      assert.equal(await submit(h, 'alice@example.test', 'alice@example.test', 'bob@example.test', message('alice@example.test', 'item14-sub@example.test')), 'ok');
    });
  });
});
