// ManageSieve sessions over raw sockets: the greeting and STARTTLS, logins
// refused in clear text, scripts refused with line and column, quotas,
// response codes, and the limits (pre-auth timeout, connections per IP, bad
// commands, oversized literals).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSieveHarness, RawSieveClient, type SieveHarness } from './harness.ts';

describe('ManageSieve protocol', () => {
  let h: SieveHarness;

  before(async () => {
    h = await openSieveHarness((c) => {
      c.sieve.maxScripts = 3;
      c.sieve.maxScriptBytes = 2048;
      c.managesieve.preAuthTimeoutSeconds = 5;
      c.managesieve.maxConnectionsPerIp = 4;
    });
  });
  after(async () => h.close());

  async function loggedIn(user = 'alice@sieve.example'): Promise<RawSieveClient> {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    const caps = await c.starttls();
    assert.match(caps, /"SASL" "PLAIN LOGIN"/, 'after STARTTLS the capabilities are sent again, with SASL');
    assert.match(await c.login(user), /^OK/);
    return c;
  }

  it('greets with its capabilities: no SASL and STARTTLS before TLS', async () => {
    const c = await RawSieveClient.open(h.port);
    const greeting = await c.response();
    assert.match(greeting, /^"IMPLEMENTATION" "Stoa"\r\n/);
    assert.match(greeting, /^"SASL" ""\r\n/m);
    assert.match(greeting, /^"STARTTLS"\r\n/m);
    assert.match(greeting, /^"SIEVE" "fileinto reject ereject envelope encoded-character imap4flags variables vacation vacation-seconds body relational date index copy regex spamtest spamtestplus virustest include mailbox /m);
    assert.match(greeting, /^"VERSION" "1.0"\r\n/m);
    assert.match(greeting, /^OK "Stoa ManageSieve ready"\r\n$/m);
    assert.match(await c.login('alice@sieve.example'), /^NO \(ENCRYPT-NEEDED\)/, 'no password in clear text');
    assert.match(await c.command('LISTSCRIPTS'), /^NO "Authenticate first"/);
    c.close();
  });

  it('drops commands sent in clear text after STARTTLS in the same packet', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    c.socket.write('STARTTLS\r\nLOGOUT\r\n');
    assert.match(await c.response(), /^OK/);
    const ok = await c.starttls().catch(() => null);
    // The injected LOGOUT was discarded: the TLS session is alive and answers.
    assert.ok(ok === null || /OK/.test(ok));
    c.close();
  });

  it('refuses wrong passwords and closes after three', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    await c.starttls();
    assert.match(await c.login('alice@sieve.example', 'wrong-1'), /^NO "Authentication failed"/);
    assert.match(await c.login('alice@sieve.example', 'wrong-2'), /^NO/);
    assert.match(await c.login('alice@sieve.example', 'wrong-3'), /^BYE/);
  });

  it('logs in with SASL LOGIN through challenges', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    await c.starttls();
    c.socket.write('AUTHENTICATE "LOGIN"\r\n');
    await new Promise((r) => setTimeout(r, 50));
    c.socket.write(`"${Buffer.from('bob@sieve.example').toString('base64')}"\r\n"${Buffer.from('tulip-harbour-92').toString('base64')}"\r\n`);
    const answer = await c.response();
    assert.match(answer, /^"VXNlcm5hbWU6"\r\n"UGFzc3dvcmQ6"\r\nOK "Logged in"/);
    assert.match(await c.command('CAPABILITY'), /"OWNER" "bob@sieve.example"/);
    c.close();
  });

  it('refuses a script that does not compile, with line and column, and stores nothing', async () => {
    const c = await loggedIn();
    const script = 'require "fileinto";\r\nif header :is "subject" {\r\n  keep;\r\n}\r\n';
    const answer = await c.command(`PUTSCRIPT "broken" {${Buffer.byteLength(script)}+}\r\n${script}`);
    assert.match(answer, /^NO "line 2, column 4: test \\"header\\" needs 2 arguments/);
    assert.match(await c.command('GETSCRIPT "broken"'), /^NO \(NONEXISTENT\)/);
    assert.match(await c.command('CHECKSCRIPT "require \\"vacation\\"; vacation \\"away\\";"'), /^OK/);
    assert.match(await c.command('CHECKSCRIPT "vacation \\"away\\";"'), /^NO "line 1, column 1: command \\"vacation\\" needs require/);
    c.close();
  });

  it('keeps the quotas: scripts per account, octets per script, HAVESPACE', async () => {
    const c = await loggedIn('bob@sieve.example');
    for (const name of ['one', 'two', 'three']) assert.match(await c.command(`PUTSCRIPT "${name}" "keep;"`), /^OK/);
    assert.match(await c.command('PUTSCRIPT "four" "keep;"'), /^NO \(QUOTA\/MAXSCRIPTS\)/);
    assert.match(await c.command('PUTSCRIPT "one" "discard;"'), /^OK/, 'replacing a script is not a new one');
    assert.match(await c.command('HAVESPACE "four" 10'), /^NO \(QUOTA\/MAXSCRIPTS\)/);
    assert.match(await c.command('HAVESPACE "one" 3000'), /^NO \(QUOTA\/MAXSIZE\)/);
    assert.match(await c.command('HAVESPACE "one" 100'), /^OK/);
    const big = `#${'x'.repeat(2100)}\r\nkeep;\r\n`;
    assert.match(await c.command(`PUTSCRIPT "one" {${big.length}+}\r\n${big}`), /^NO/);
    const huge = 'x'.repeat(10_000);
    assert.match(await c.command(`PUTSCRIPT "one" {${huge.length}+}\r\n${huge}`), /^NO \(QUOTA\/MAXSIZE\)/);
    assert.match(await c.command('NOOP "after"'), /^OK \(TAG "after"\)/, 'the skipped literal was not read as commands');
    c.close();
  });

  it('activates, lists, renames, refuses to delete the active script, deactivates', async () => {
    const c = await loggedIn();
    assert.match(await c.command('PUTSCRIPT "a" "keep;"'), /^OK/);
    assert.match(await c.command('PUTSCRIPT "b" "discard;"'), /^OK/);
    assert.match(await c.command('SETACTIVE "a"'), /^OK/);
    assert.match(await c.command('SETACTIVE "missing"'), /^NO \(NONEXISTENT\)/);
    assert.equal(await c.command('LISTSCRIPTS'), '"a" ACTIVE\r\n"b"\r\nOK "Listscripts completed"\r\n');
    assert.match(await c.command('RENAMESCRIPT "a" "b"'), /^NO \(ALREADYEXISTS\)/);
    assert.match(await c.command('RENAMESCRIPT "a" "c"'), /^OK/);
    assert.equal(await c.command('GETSCRIPT "c"'), '{5}\r\nkeep;\r\nOK "Getscript completed"\r\n');
    assert.match(await c.command('DELETESCRIPT "c"'), /^NO \(ACTIVE\)/);
    assert.match(await c.command('SETACTIVE ""'), /^OK/);
    assert.match(await c.command('DELETESCRIPT "c"'), /^OK/);
    assert.equal(await c.command('LISTSCRIPTS'), '"b"\r\nOK "Listscripts completed"\r\n');
    assert.match(await c.command('UNAUTHENTICATE'), /^OK/);
    assert.match(await c.command('LISTSCRIPTS'), /^NO "Authenticate first"/);
    assert.match(await c.command('LOGOUT'), /^OK "Logout completed"/);
  });

  it('keeps users apart: a script of one account is not visible to another', async () => {
    await h.sieve.put(h.directory.actorFor(h.alice, null), h.alice.id, 'private', 'keep;');
    const c = await loggedIn('bob@sieve.example');
    assert.match(await c.command('GETSCRIPT "private"'), /^NO \(NONEXISTENT\)/);
    c.close();
  });

  it('closes the connection after too many bad commands', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    let last = '';
    for (let i = 0; i < 10; i++) last = await c.command('FROB');
    assert.match(last, /^BYE "Too many bad commands/);
  });

  it('refuses connections beyond the per-IP limit with BYE (TRYLATER)', async () => {
    const clients: RawSieveClient[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await RawSieveClient.open(h.port);
      await c.response();
      clients.push(c);
    }
    const extra = await RawSieveClient.open(h.port);
    assert.match(await extra.response(), /^BYE \(TRYLATER\) "Too many connections/);
    for (const c of clients) c.close();
    // Let the server see the closes before the next test connects.
    while (h.listener.connections > 0) await new Promise((r) => setTimeout(r, 20));
  });

  it('says goodbye to a client that does not log in within the pre-auth timeout', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    assert.match(await c.response(), /^BYE "Too slow to log in/);
  });
});

describe('ManageSieve sessions per account and address', () => {
  let h: SieveHarness;
  before(async () => {
    h = await openSieveHarness((c) => { c.managesieve.maxSessionsPerAccountIp = 1; });
  });
  after(async () => h.close());

  it('a login after UNAUTHENTICATE on the same connection replaces the earlier one instead of counting twice', async () => {
    const c = await RawSieveClient.open(h.port);
    await c.response();
    await c.starttls();
    assert.match(await c.login('alice@sieve.example'), /^OK/);
    assert.match(await c.command('UNAUTHENTICATE'), /^OK/);
    assert.match(await c.login('alice@sieve.example'), /^OK/, 'the one session of this connection');
    const other = await RawSieveClient.open(h.port);
    await other.response();
    await other.starttls();
    assert.match(await other.login('alice@sieve.example'), /^NO \(TRYLATER\) "Too many sessions/, 'a second connection is over the cap');
    other.close();
    c.close();
  });
});
