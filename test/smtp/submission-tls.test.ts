// Submission offers AUTH only where a password may be sent (issue 16 item 21):
// before STARTTLS the EHLO reply lists STARTTLS and no AUTH, so clients do
// not try a login that would be refused with 538; after the handshake AUTH
// is there. RFC 4954 §4 allows either; clients behave better this way.
import assert from 'node:assert/strict';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { PASSWORD, openSmtpHarness, transport, type SmtpHarness } from './harness.ts';
import { RawSmtp } from './raw-client.ts';

/** Reads one complete (possibly multi-line) reply from a TLS socket. */
async function tlsReply(socket: TLSSocket, state: { buffer: string }): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(state.buffer);
    if (m) {
      state.buffer = state.buffer.slice(m[0].length);
      return m[0].trimEnd();
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no reply; buffer ${JSON.stringify(state.buffer)}`);
}

describe('submission advertises AUTH only after STARTTLS', () => {
  let h: SmtpHarness;
  before(async () => { h = await openSmtpHarness(); });
  after(async () => h.close());

  test('EHLO before STARTTLS lists STARTTLS and no AUTH; EHLO after the handshake lists AUTH PLAIN LOGIN', async () => {
    const c = await RawSmtp.open(h.ports.submission);
    assert.match(await c.reply(), /^220 /);
    const plain = await c.command('EHLO client.example.org');
    assert.match(plain, /STARTTLS/);
    assert.doesNotMatch(plain, /AUTH/);
    // A client that tries anyway still gets the RFC 4954 §4 answer, and mail still needs a login.
    assert.match(await c.command(`AUTH PLAIN ${Buffer.from(`\0alice@example.test\0${PASSWORD}`).toString('base64')}`), /^538 /);
    assert.match(await c.command('MAIL FROM:<alice@example.test>'), /^530 /);
    assert.match(await c.command('STARTTLS'), /^220 /);
    const secure = tlsConnect({ socket: c.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', () => resolve()).once('error', reject));
    const state = { buffer: '' };
    secure.setEncoding('latin1');
    secure.on('data', (d: string) => { state.buffer += d; });
    secure.write('EHLO client.example.org\r\n');
    const afterTls = await tlsReply(secure, state);
    assert.match(afterTls, /^250-AUTH PLAIN LOGIN\r?$/m);
    assert.doesNotMatch(afterTls, /STARTTLS/);
    secure.write(`AUTH PLAIN ${Buffer.from(`\0alice@example.test\0${PASSWORD}`).toString('base64')}\r\n`);
    assert.match(await tlsReply(secure, state), /^235 /);
    secure.destroy();
  });

  test('implicit TLS (smtps) lists AUTH at once, and nodemailer submits over STARTTLS as before', async () => {
    const c = await RawSmtp.open(h.ports.smtps, true);
    assert.match(await c.reply(), /^220 /);
    assert.match(await c.command('EHLO client.example.org'), /AUTH PLAIN LOGIN/);
    c.close();
    const ok = await transport(h, 'submission', 'alice@example.test').sendMail({ from: 'alice@example.test', to: 'bob@example.test', subject: 'after tls', text: 'x' });
    assert.match(ok.response, /^250 /);
  });

  test('with listeners.submission.allowPlaintextAuth the cleartext EHLO lists AUTH too', async () => {
    const open = await openSmtpHarness((c) => { c.listeners.submission.allowPlaintextAuth = true; });
    try {
      const c = await RawSmtp.open(open.ports.submission);
      await c.reply();
      assert.match(await c.command('EHLO client.example.org'), /AUTH PLAIN LOGIN/);
      c.close();
    } finally {
      await open.close();
    }
  });

  test('the MX listener never lists AUTH', async () => {
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    assert.doesNotMatch(await c.command('EHLO client.example.org'), /AUTH/);
    c.close();
  });
});
