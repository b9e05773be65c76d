// Byte-level IMAP sessions over a raw socket: the greeting and capabilities,
// LOGINDISABLED before STARTTLS, AUTHENTICATE with SASL-IR, literals,
// MULTIAPPEND, BINARY, QRESYNC SELECT, ESEARCH/SEARCHRES, QUOTA, COMPRESS,
// and tables of bad input that must get tagged BAD/NO without harming others.
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { constants as zlib, createDeflateRaw, createInflateRaw } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, RawClient, openImapHarness, type ImapHarness } from './harness.ts';

const LOGIN = `LOGIN alice@example.test "${PASSWORD}"`;
const msg = (subject: string, body = 'text'): string => `From: a@example.test\r\nSubject: ${subject}\r\n\r\n${body}\r\n`;

describe('IMAP protocol over a raw socket', () => {
  let h: ImapHarness;
  before(async () => {
    h = await openImapHarness();
    await h.user('alice', { quotaBytes: 10 * 1024 * 1024, quotaMessages: 1000 });
  });
  after(async () => h.close());

  async function loggedIn(): Promise<RawClient> {
    const c = await h.raw();
    assert.match(await c.command(LOGIN), /OK \[CAPABILITY/);
    return c;
  }

  it('refuses LOGIN before STARTTLS when plaintext is not allowed, and accepts it after', async () => {
    const strict = await openImapHarness((config) => { config.listeners.imap.allowPlaintextAuth = false; });
    try {
      await strict.user('alice');
      const c = await strict.raw();
      const caps = await c.command('CAPABILITY');
      assert.match(caps, /LOGINDISABLED/);
      assert.match(caps, /STARTTLS/);
      assert.doesNotMatch(caps, /AUTH=PLAIN/);
      assert.match(await c.command(LOGIN), /NO \[PRIVACYREQUIRED\]/);
      c.write('S1 STARTTLS\r\n');
      assert.match(await c.until((t) => t.includes('S1 OK')), /S1 OK/);
      const secure = tlsConnect({ socket: c.socket, rejectUnauthorized: false });
      await new Promise<void>((resolve) => secure.once('secureConnect', () => resolve()));
      let text = '';
      secure.on('data', (d: Buffer) => { text += d.toString('latin1'); });
      secure.write(`L1 ${LOGIN}\r\n`);
      for (let i = 0; i < 50 && !/L1 (OK|NO)/.test(text); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(text, /L1 OK/);
      secure.destroy();
    } finally {
      await strict.close();
    }
  });

  it('serves implicit TLS on the imaps port', async () => {
    const secure = tlsConnect({ host: '127.0.0.1', port: h.tlsPort, rejectUnauthorized: false });
    const greeting = await new Promise<string>((resolve) => secure.once('data', (d: Buffer) => resolve(d.toString())));
    assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN/);
    secure.destroy();
  });

  it('authenticates with AUTHENTICATE PLAIN (SASL-IR and continuation) and refuses wrong passwords', async () => {
    const c = await h.raw();
    const ir = Buffer.from(`\0alice@example.test\0${PASSWORD}`).toString('base64');
    assert.match(await c.command(`AUTHENTICATE PLAIN ${ir}`), /OK \[CAPABILITY/);
    const d = await h.raw();
    d.write('A1 AUTHENTICATE PLAIN\r\n');
    assert.match(await d.until((t) => t.startsWith('+')), /^\+ \r\n/);
    d.write(Buffer.from(`\0alice@example.test\0wrong`).toString('base64') + '\r\n');
    assert.match(await d.until((t) => t.includes('A1 ')), /A1 NO \[AUTHENTICATIONFAILED\]/);
    d.write('A2 AUTHENTICATE LOGIN\r\n');
    await d.until((t) => t.startsWith('+'));
    d.write(Buffer.from('alice@example.test').toString('base64') + '\r\n');
    await d.until((t) => t.startsWith('+'));
    d.write(Buffer.from(PASSWORD).toString('base64') + '\r\n');
    assert.match(await d.until((t) => t.includes('A2 ')), /A2 OK/);
  });

  it('appends with synchronizing and LITERAL+ literals, MULTIAPPEND all-or-nothing, APPENDUID', async () => {
    const c = await loggedIn();
    const one = msg('sync literal');
    c.write(`P1 APPEND INBOX (\\Seen) {${Buffer.byteLength(one)}}\r\n`);
    assert.match(await c.until((t) => t.startsWith('+')), /^\+ /);
    c.write(one + '\r\n');
    assert.match(await c.until((t) => t.includes('P1 ')), /P1 OK \[APPENDUID \d+ 1\]/);
    const a = msg('multi a');
    const b = msg('multi b');
    assert.match(await c.command(`APPEND INBOX {${a.length}+}\r\n${a} (\\Flagged) {${b.length}+}\r\n${b}`), /OK \[APPENDUID \d+ 2:3\]/);
    assert.match(await c.command(`APPEND Nowhere {${a.length}+}\r\n${a}`), /NO \[TRYCREATE\]/);
  });

  it('streams a large APPEND literal to disk and returns it byte-exact', async () => {
    const c = await loggedIn();
    const body = 'x'.repeat(76) + '\r\n';
    const big = Buffer.from(`Subject: big\r\n\r\n${body.repeat(Math.ceil(3 * 1024 * 1024 / body.length))}`);
    c.write(`B1 APPEND Archive {${big.length}+}\r\n`);
    c.write(big);
    c.write('\r\n');
    const res = await c.until((t) => t.includes('B1 '), 20000);
    assert.match(res, /B1 OK \[APPENDUID \d+ (\d+)\]/);
    await c.command('SELECT Archive');
    const fetched = await c.command('UID FETCH 1 (RFC822.SIZE BODY.PEEK[]<0.10>)');
    assert.match(fetched, new RegExp(`RFC822.SIZE ${big.length}`));
    assert.match(fetched, /BODY\[\]<0> \{10\}\r\nSubject: b/);
  });

  it('answers BINARY, BINARY.SIZE and HEADER.FIELDS.NOT, and sets \\Seen on non-PEEK fetches', async () => {
    const c = await loggedIn();
    const m = 'Subject: bin\r\nX-Skip: yes\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n';
    const appended = await c.command(`APPEND Drafts {${m.length}+}\r\n${m}`);
    const uid = /APPENDUID \d+ (\d+)/.exec(appended)![1];
    await c.command('SELECT Drafts');
    const res = await c.command(`UID FETCH ${uid} (BINARY.SIZE[1] BINARY.PEEK[1] BODY.PEEK[HEADER.FIELDS.NOT (X-Skip Content-Type Content-Transfer-Encoding)])`);
    assert.match(res, /BINARY.SIZE\[1\] 4/);
    assert.ok(res.includes('BINARY[1] ~{4}\r\n\x00\x01\x02\xff'), res);
    assert.ok(res.includes('{16}\r\nSubject: bin\r\n\r\n'), res);
    const seen = await c.command(`UID FETCH ${uid} (BODY[TEXT])`);
    assert.match(seen, /FLAGS \(\\Seen( \\Recent)?\)/);
  });

  it('resynchronises with SELECT (QRESYNC …): VANISHED (EARLIER) and changed flags', async () => {
    const c = await loggedIn();
    await c.command('ENABLE QRESYNC');
    const sel = await c.command('SELECT INBOX');
    const validity = /UIDVALIDITY (\d+)/.exec(sel)![1];
    const modseq = /HIGHESTMODSEQ (\d+)/.exec(sel)![1];
    await c.command('UID STORE 2 +FLAGS.SILENT (\\Deleted)');
    await c.command('UID EXPUNGE 2');
    await c.command('UID STORE 3 +FLAGS (\\Answered)');
    await c.command('UNSELECT');
    const resync = await c.command(`SELECT INBOX (QRESYNC (${validity} ${modseq} 1:10))`);
    assert.match(resync, /\* VANISHED \(EARLIER\) 2\r\n/);
    assert.match(resync, /FETCH \(UID 3 FLAGS \(\\Answered \\Flagged\) MODSEQ \(\d+\)\)/);
  });

  it('supports ESEARCH, SEARCHRES, IMAP4rev2 ESEARCH by default, SORT and THREAD', async () => {
    const c = await loggedIn();
    await c.command('SELECT INBOX');
    assert.match(await c.command('UID SEARCH RETURN (MIN MAX COUNT) ALL'), /\* ESEARCH \(TAG "T\d+"\) UID MIN 1 MAX 3 COUNT 2/);
    await c.command('SEARCH RETURN (SAVE) SUBJECT multi');
    assert.match(await c.command('FETCH $ (UID)'), /FETCH \(UID 3\)/);
    assert.match(await c.command('SORT (REVERSE ARRIVAL) UTF-8 ALL'), /\* SORT 2 1\r\n/);
    // RFC 5957 (SORT=DISPLAY): display-name keys are accepted and answer every message once.
    assert.match(await c.command('SORT (DISPLAYFROM) UTF-8 ALL'), /\* SORT (1 2|2 1)\r\n/);
    assert.match(await c.command('SORT (REVERSE DISPLAYTO) UTF-8 ALL'), /\* SORT (1 2|2 1)\r\n/);
    assert.match(await c.command('THREAD REFERENCES UTF-8 ALL'), /\* THREAD/);
    await c.command('ENABLE IMAP4rev2');
    assert.match(await c.command('SEARCH ALL', 'R1'), /\* ESEARCH \(TAG "R1"\) ALL 1:2/);
  });

  it('reports QUOTA in KiB and messages, and refuses SETQUOTA', async () => {
    const c = await loggedIn();
    const res = await c.command('GETQUOTAROOT INBOX');
    assert.match(res, /\* QUOTAROOT INBOX ""/);
    assert.match(res, /\* QUOTA "" \(STORAGE \d+ 10240 MESSAGE \d+ 1000\)/);
    assert.match(await c.command('SETQUOTA "" (STORAGE 1)'), /NO \[NOPERM\]/);
  });

  it('compresses with COMPRESS=DEFLATE', async () => {
    const c = await loggedIn();
    c.write('Z1 COMPRESS DEFLATE\r\n');
    assert.match(await c.until((t) => t.includes('Z1 OK')), /Z1 OK/);
    const deflate = createDeflateRaw();
    const inflate = createInflateRaw();
    c.socket.removeAllListeners('data');
    c.socket.setEncoding('binary' as BufferEncoding);
    let text = '';
    c.socket.on('data', (d: string) => inflate.write(Buffer.from(d, 'latin1')));
    inflate.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    deflate.on('data', (d: Buffer) => c.socket.write(d));
    deflate.write('Z2 NOOP\r\nZ3 LIST "" INBOX\r\n');
    deflate.flush(zlib.Z_SYNC_FLUSH);
    for (let i = 0; i < 40 && !text.includes('Z3 OK'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(text, /Z2 OK[^]*\* LIST \([^)]*\) "\/" INBOX[^]*Z3 OK/);
  });

  const BAD_INPUT: Array<[string, string, RegExp]> = [
    ['unknown command', 'FROB', /T\d+ BAD/],
    ['unbalanced parentheses', 'FETCH 1 (FLAGS', /T\d+ BAD/],
    ['unbalanced quotes', 'LOGIN "alice', /T\d+ BAD/],
    ['command in the wrong state', 'FETCH 1 FLAGS', /T\d+ BAD/],
    ['invalid sequence set', 'UID FETCH 0:x FLAGS', /T\d+ BAD/],
    ['invalid modified UTF-7', 'SELECT "&Jjo"', /T\d+ (BAD|NO)/],
    ['bad date', 'SEARCH SINCE 45-Foo-2020', /T\d+ BAD/],
    ['oversized literal', 'APPEND INBOX {999999999999}', /T\d+ NO \[TOOBIG\]/],
    ['oversized literal outside APPEND', 'LOGIN {99999999}', /T\d+ NO \[LIMIT\]/],
    ['non-synchronizing literal not sent', 'NOOP {3+}\r\nabc', /T\d+ BAD/],
  ];

  for (const [name, line, expected] of BAD_INPUT) {
    it(`answers ${name} with a tagged error and keeps serving`, async () => {
      const c = await loggedIn();
      if (name === 'command in the wrong state') await c.command('UNSELECT');
      assert.match(await c.command(line), expected);
      assert.match(await c.command('NOOP'), /OK/);
    });
  }

  it('tells a client that sends a non-ASCII user name without quotes what is wrong (issue 16 item 25)', async () => {
    const c = await h.raw();
    c.write(Buffer.from('U1 LOGIN jürgen@example.test secret\r\n', 'utf8'));
    const answer = await c.until((t) => /U1 (OK|NO|BAD)/.test(t));
    assert.match(answer, /U1 BAD .*non-ASCII.*quoted string/i);
    assert.doesNotMatch(answer, /Expected a space/);
    // The connection stays usable: the quoted form reaches the login check.
    c.write(Buffer.from('U2 LOGIN "jürgen@example.test" secret\r\n', 'utf8'));
    assert.match(await c.until((t) => /U2 (OK|NO|BAD)/.test(t)), /U2 (NO|BAD)/);
  });

  it('rejects message numbers beyond EXISTS', async () => {
    const c = await loggedIn();
    await c.command('SELECT INBOX');
    assert.match(await c.command('FETCH 99 FLAGS'), /BAD \[CLIENTBUG\]/);
  });

  it('closes with BYE after too many bad commands while other sessions keep working', async () => {
    const other = await loggedIn();
    const c = await h.raw();
    let last = '';
    for (let i = 0; i < 10 && !c.closed; i++) last = await c.command('GARBAGE').catch(() => '');
    assert.match(last, /\* BYE/);
    await c.until(() => false, 300).catch(() => '');
    assert.ok(c.closed);
    assert.match(await other.command('NOOP'), /OK/);
  });
});
