// POP3 sessions over real sockets: greeting, CAPA before and after STLS,
// plaintext refusal, login, STAT/LIST/UIDL/TOP/RETR, DELE with QUIT vs
// disconnect, the maildrop lock, bad input and the bad-command limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { LOGIN_RECHECK_MS } from '../../server/src/directory/auth-service.ts';
import { openPop3Harness, PASSWORD, RawClient, type Pop3Harness } from './harness.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const MESSAGE_1 = 'From: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n.dot line\r\n';
const MESSAGE_2 = 'From: b@example.org\nSubject: two\n\nline 1\nline 2\nline 3\n';

async function login(h: Pop3Harness, user = 'alice@pop.example'): Promise<RawClient> {
  const c = await RawClient.open(h.tlsPort, true);
  assert.match(await c.send(`USER ${user}`), /^\+OK/);
  assert.match(await c.send(`PASS ${PASSWORD}`), /^\+OK Logged in/);
  return c;
}

describe('POP3 session', () => {
  let h: Pop3Harness;
  before(async () => {
    h = await openPop3Harness();
    await h.append(h.alice, MESSAGE_1);
    await h.append(h.alice, MESSAGE_2);
  });
  after(() => h.close());

  it('greets, and before TLS offers STLS but neither USER nor SASL', async () => {
    const c = await RawClient.open(h.port);
    const capa = await c.sendMulti('CAPA');
    assert.match(capa, /^\+OK/);
    assert.match(capa, /\r\nSTLS\r\n/);
    assert.match(capa, /\r\nPIPELINING\r\n/);
    assert.doesNotMatch(capa, /\r\nUSER\r\n/);
    assert.doesNotMatch(capa, /\r\nSASL/);
    assert.equal(await c.send('USER alice@pop.example'), '-ERR [AUTH] Plaintext authentication disallowed on non-secure connections; use STLS first\r\n');
    assert.match(await c.send('AUTH PLAIN AGFsaWNlAHg='), /^-ERR \[AUTH\]/);
    c.end();
  });

  it('upgrades with STLS, then offers USER and SASL and logs in', async () => {
    const c = await RawClient.open(h.port);
    assert.equal(await c.send('STLS'), '+OK Begin TLS negotiation\r\n');
    const secure = tlsConnect({ socket: c.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    const t = new RawClient(secure);
    const capa = await t.sendMulti('CAPA');
    assert.match(capa, /\r\nUSER\r\n/);
    assert.match(capa, /\r\nSASL PLAIN LOGIN\r\n/);
    assert.doesNotMatch(capa, /\r\nSTLS\r\n/);
    assert.match(await t.send(`AUTH PLAIN ${Buffer.from(`\0alice@pop.example\0${PASSWORD}`).toString('base64')}`), /^\+OK Logged in; 2 messages/);
    assert.match(await t.send('QUIT'), /^\+OK/);
    t.end();
  });

  it('lists sizes with CRLF line endings, stable UIDLs, TOP and RETR with byte-stuffing', async () => {
    const c = await login(h);
    const size1 = Buffer.byteLength(MESSAGE_1);
    const size2 = Buffer.byteLength(MESSAGE_2.replace(/\n/g, '\r\n'));
    assert.equal(await c.send('STAT'), `+OK 2 ${size1 + size2}\r\n`);
    assert.equal(await c.sendMulti('LIST'), `+OK 2 messages (${size1 + size2} octets)\r\n1 ${size1}\r\n2 ${size2}\r\n.\r\n`);
    assert.equal(await c.send('LIST 2'), `+OK 2 ${size2}\r\n`);
    const uidl = await c.sendMulti('UIDL');
    assert.match(uidl, /^\+OK .*\r\n1 \d+\.1\r\n2 \d+\.2\r\n\.\r\n$/);
    assert.equal(await c.sendMulti('TOP 2 1'), '+OK Top of message follows\r\nFrom: b@example.org\r\nSubject: two\r\n\r\nline 1\r\n.\r\n');
    assert.equal(await c.sendMulti('RETR 1'), `+OK ${size1} octets\r\nFrom: a@example.org\r\nSubject: one\r\n\r\nfirst body\r\n..dot line\r\n.\r\n`);
    assert.equal(await c.send('RETR 3'), '-ERR No such message, only 2 in maildrop\r\n');
    assert.equal(await c.send('USER x'), '-ERR USER is not valid after login\r\n');
    assert.match(await c.send('QUIT'), /^\+OK Bye \(0 messages deleted\)/);
    await c.closed();
    const again = await login(h);
    assert.equal(await again.sendMulti('UIDL'), uidl, 'UIDL is the same in the next session');
    again.end();
  });

  it('refuses a second session on the same maildrop with [IN-USE] until the first ends', async () => {
    const first = await login(h);
    const second = await RawClient.open(h.tlsPort, true);
    await second.send('USER alice@pop.example');
    assert.equal(await second.send(`PASS ${PASSWORD}`), '-ERR [IN-USE] Mailbox is locked by another session\r\n');
    first.end();
    await first.closed();
    await new Promise((r) => setTimeout(r, 50));
    await second.send('USER alice@pop.example');
    assert.match(await second.send(`PASS ${PASSWORD}`), /^\+OK Logged in/);
    second.end();
  });

  it('deletes only at QUIT: DELE then disconnect keeps the message, RSET unmarks, DELE then QUIT removes it', async () => {
    const uid = await h.append(h.bob, 'Subject: doomed\r\n\r\nbye\r\n');
    await h.append(h.bob, 'Subject: kept\r\n\r\nhello\r\n');
    let c = await login(h, 'bob@pop.example');
    assert.equal(await c.send('DELE 1'), '+OK Message 1 deleted\r\n');
    assert.equal(await c.send('RETR 1'), '-ERR Message 1 already deleted\r\n');
    assert.match(await c.send('STAT'), /^\+OK 1 /);
    c.end();
    await c.closed();
    await new Promise((r) => setTimeout(r, 50));

    c = await login(h, 'bob@pop.example');
    assert.match(await c.send('STAT'), /^\+OK 2 /, 'a dropped connection deleted nothing');
    await c.send('DELE 1');
    assert.match(await c.send('RSET'), /^\+OK Maildrop has 2 messages/);
    await c.send('DELE 1');
    assert.equal(await c.send('QUIT'), '+OK Bye (1 messages deleted)\r\n');
    await c.closed();
    const left = await h.mail.messages.list(SYSTEM, await h.inboxOf(h.bob));
    assert.deepEqual([...left.uids], [uid + 1]);
  });

  it('answers pipelined commands in order (RFC 2449 PIPELINING)', async () => {
    const c = await RawClient.open(h.tlsPort, true);
    c.socket.write(`USER alice@pop.example\r\nPASS ${PASSWORD}\r\nSTAT\r\nNOOP\r\nQUIT\r\n`);
    assert.match(await c.line(), /^\+OK Send/);
    assert.match(await c.line(), /^\+OK Logged in/);
    assert.match(await c.line(), /^\+OK 2 \d+/);
    assert.equal(await c.line(), '+OK\r\n');
    assert.match(await c.line(), /^\+OK Bye/);
    await c.closed();
  });

  it('answers bad input with -ERR and closes after too many bad commands', async () => {
    const c = await RawClient.open(h.port);
    assert.equal(await c.send('XYZZY'), '-ERR unknown command\r\n');
    assert.equal(await c.send('STAT'), '-ERR Log in first\r\n');
    assert.equal(await c.send(`NOOP ${'x'.repeat(5000)}`), '-ERR Line too long\r\n');
    assert.equal(await c.send('LIST\0'), '-ERR control characters in command\r\n');
    assert.equal(await c.send('RETR'), '-ERR RETR needs a message number\r\n');
    for (let i = 0; i < 4; i++) assert.match(await c.send('BAD'), /^-ERR unknown command\r\n$/);
    assert.equal(await c.send('BAD'), '-ERR unknown command; too many bad commands, closing\r\n');
    await c.closed();
  });

  it('answers wrong passwords with [AUTH] and closes after three failed logins', async () => {
    const c = await RawClient.open(h.tlsPort, true);
    for (let i = 0; i < 2; i++) {
      await c.send('USER alice@pop.example');
      assert.equal(await c.send('PASS wrong-password'), '-ERR [AUTH] Authentication failed\r\n');
    }
    await c.send('USER alice@pop.example');
    assert.match(await c.send('PASS wrong-password'), /^-ERR \[AUTH\] .*closing\r\n$/);
    await c.closed();
  });

  it('refuses a server operator, which has no mailbox, and creates no mailbox for it (issue 7)', async () => {
    const c = await RawClient.open(h.tlsPort, true);
    assert.match(await c.send('USER admin'), /^\+OK/);
    assert.equal(await c.send(`PASS ${PASSWORD}`), '-ERR [AUTH] This account may not use POP3\r\n');
    assert.deepEqual(await h.store.mailboxes.list(h.admin.id), [], 'no mailbox was created for the operator');
    c.end();
  });

  it('ends the session when the password is reset in this server, without applying its deletions', async () => {
    const c = await login(h, 'bob@pop.example');
    assert.match(await c.send('STAT'), /^\+OK/);
    await h.directory.accounts.setPassword(SYSTEM, h.bob.id, 'a-brand-new-password-1');
    await c.closed();
    await h.directory.accounts.setPassword(SYSTEM, h.bob.id, PASSWORD);
  });

  it('ends the session at its next command once the login was found stale, for a reset made by another process', async () => {
    const c = await login(h, 'bob@pop.example');
    // Another process (the CLI, another node) has its own bus: nothing is announced here.
    const elsewhere = createDirectory(h.store, h.config);
    await elsewhere.accounts.setPassword(SYSTEM, h.bob.id, 'a-brand-new-password-2');
    assert.match(await c.send('NOOP'), /^\+OK/, 'the check is not due yet');
    h.advance(LOGIN_RECHECK_MS);
    c.socket.write('NOOP\r\n');
    await c.closed();
    await elsewhere.accounts.setPassword(SYSTEM, h.bob.id, PASSWORD);
  });
});

