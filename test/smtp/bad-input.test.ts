// Hostile and sloppy input over a raw socket: the server answers with a
// clear reply, keeps running, and never shows a half-delivered message.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { openSmtpHarness, type SmtpHarness } from './harness.ts';
import { RawSmtp, envelope } from './raw-client.ts';

describe('SMTP bad input', () => {
  let h: SmtpHarness;
  // INBOX and Junk: a header-less test message scores as spam (MISSING_FROM, MISSING_DATE …) and is filed in Junk.
  const subjects = async (): Promise<string[]> => [...await h.messages('alice@example.test'), ...await h.messages('alice@example.test', 'Junk')]
    .map((m) => /Subject: (.*)\r\n/.exec(m)?.[1] ?? '');
  before(async () => { h = await openSmtpHarness((c) => { c.smtp.maxMessageBytes = 100_000; c.smtp.spoolMemoryBytes = 4096; }); });
  after(() => h.close());

  test('malformed commands and addresses get 5xx replies and the session goes on', async () => {
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    assert.match(await c.command('EHLO client.example.org'), /^250/);
    assert.match(await c.command('FOO bar'), /^500 /);
    assert.match(await c.command('MAIL FROM:alice@remote.example'), /^501 /);
    assert.match(await c.command('MAIL FROM:<a@remote.example> BODY=9BIT'), /^501 /);
    assert.match(await c.command('RCPT TO:<alice@example.test>'), /^503 /);
    assert.match(await c.command('MAIL FROM:<a@remote.example>'), /^250 /);
    assert.match(await c.command('RCPT TO:<alice@@example.test>'), /^50[01] /);
    assert.match(await c.command('RCPT TO:<>'), /^501 /);
    assert.match(await c.command('DATA'), /^503 /);
    assert.match(await c.command('NOOP'), /^250 /);
    c.close();
  });

  test('bare LF line endings are accepted and stored as CRLF', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', ['alice@example.test']);
    assert.match(await c.command('DATA'), /^354/);
    c.write('Subject: bare lf\nFrom: a@remote.example\n\nline one\nline two\r\n.\r\n');
    assert.match(await c.reply(), /^250 /);
    const raw = (await h.messages('alice@example.test')).find((m) => m.includes('Subject: bare lf'))!;
    assert.ok(raw.includes('line one\r\nline two\r\n'));
    assert.doesNotMatch(raw.replace(/\r\n/g, ''), /\n/);
    c.close();
  });

  test('NUL bytes are refused with 554 5.6.0 and nothing is stored', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', ['alice@example.test']);
    await c.command('DATA');
    c.write('Subject: with nul\r\n\r\nbad\0byte\r\n.\r\n');
    assert.match(await c.reply(), /^554 5\.6\.0 /);
    assert.ok(!(await subjects()).includes('with nul'));
    c.close();
  });

  test('lines over 998 octets and 8-bit data without BODY=8BITMIME are accepted', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', ['alice@example.test']);
    await c.command('DATA');
    c.write(Buffer.concat([Buffer.from(`Subject: long and 8bit\r\n\r\n${'a'.repeat(5000)}\r\n`), Buffer.from('Grüße\r\n.\r\n', 'utf8')]));
    assert.match(await c.reply(), /^250 /);
    assert.ok((await subjects()).includes('long and 8bit'));
    c.close();
  });

  test('a client that disconnects mid-DATA leaves nothing behind; the server keeps serving', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', ['alice@example.test']);
    await c.command('DATA');
    c.write(`Subject: cut off\r\n\r\n${'x'.repeat(50_000)}`);
    await sleep(100);
    c.close();
    await sleep(200);
    assert.ok(!(await subjects()).includes('cut off'));
    const next = await envelope(h.ports.smtp, 'a@remote.example', ['alice@example.test']);
    await next.command('DATA');
    next.write('Subject: after the cut\r\n\r\nfine\r\n.\r\n');
    assert.match(await next.reply(), /^250 /);
    next.close();
  });

  test('a message that outgrows the limit mid-stream gets 552 5.3.4 after the final dot, then the session goes on', async () => {
    const c = await envelope(h.ports.smtp, 'a@remote.example', ['alice@example.test']);
    await c.command('DATA');
    c.write(`Subject: too big\r\n\r\n${'y'.repeat(150_000)}\r\n.\r\n`);
    assert.match(await c.reply(), /^552 5\.3\.4 /);
    assert.match(await c.command('RSET'), /^250 /);
    assert.ok(!(await subjects()).includes('too big'));
    c.close();
  });

  test('pipelined commands are answered in order', async () => {
    const c = await RawSmtp.open(h.ports.smtp);
    await c.reply();
    await c.command('EHLO client.example.org');
    c.write('MAIL FROM:<a@remote.example>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n');
    assert.match(await c.reply(), /^250 2\.1\.0/);
    assert.match(await c.reply(), /^250 2\.1\.5/);
    assert.match(await c.reply(), /^250 2\.1\.5/);
    assert.match(await c.reply(), /^354/);
    c.write('Subject: pipelined\r\n\r\nok\r\n.\r\nQUIT\r\n');
    assert.match(await c.reply(), /^250 /);
    assert.match(await c.reply(), /^221 /);
  });
});
