// Real clients against the POP3 listeners: Python's poplib (implicit TLS,
// STLS, UIDL, TOP, DELE+QUIT) and curl's pop3:// and pop3s://, and corpus
// messages retrieved byte for byte (modulo CRLF normalisation).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPop3Harness, PASSWORD, run, type Pop3Harness } from './harness.ts';

import { CORPUS } from '../support/corpus.ts';

/** Every .eml under the corpus, smallest first, up to `limit`. */
function corpusMessages(limit: number): { name: string; bytes: Buffer }[] {
  const files = readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.eml'))
    .map((e) => join(e.parentPath, e.name));
  return files.map((f) => ({ name: f.slice(CORPUS.length + 1), bytes: readFileSync(f) }))
    .filter((m) => m.bytes.length > 0 && m.bytes.length < 2_000_000)
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, limit);
}

/** What POP3 must send for a stored message: CRLF lines, a final CRLF. */
function crlf(bytes: Buffer): Buffer {
  let text = bytes.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
  if (text.length > 0 && !text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(text, 'latin1');
}

const POPLIB = `
import poplib, ssl, sys, json
mode, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
if mode == 'ssl':
    p = poplib.POP3_SSL('127.0.0.1', port, context=ctx)
else:
    p = poplib.POP3('127.0.0.1', port)
    p.stls(context=ctx)
out = {'welcome': p.getwelcome().decode(), 'capa': sorted(p.capa().keys())}
p.user(user); p.pass_(password)
out['stat'] = list(p.stat())
out['uidl'] = [u.decode() for u in p.uidl()[1]]
out['list'] = [l.decode() for l in p.list()[1]]
out['messages'] = [b'\\r\\n'.join(p.retr(i + 1)[1]).hex() for i in range(out['stat'][0])]
out['top'] = [l.decode('latin1') for l in p.top(1, 0)[1]]
if len(sys.argv) > 5 and sys.argv[5] == 'delete':
    p.dele(1)
p.quit()
print(json.dumps(out))
`;

async function poplib(port: number, mode: 'ssl' | 'stls', user: string, extra: string[] = []): Promise<any> {
  const r = await run('python3', ['-c', POPLIB, mode, String(port), user, PASSWORD, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('POP3 with real clients', () => {
  let h: Pop3Harness;
  const corpus = corpusMessages(40);
  before(async () => {
    h = await openPop3Harness();
    for (const m of corpus) await h.append(h.alice, m.bytes);
    await h.append(h.bob, 'From: x@example.org\r\nSubject: for curl\r\n\r\nhello curl\r\n');
    await h.append(h.bob, 'Subject: second\r\n\r\nsecond\r\n');
  });
  after(() => h.close());

  it('poplib over implicit TLS retrieves every corpus message byte-exact (CRLF-normalised)', async () => {
    const out = await poplib(h.tlsPort, 'ssl', 'alice@pop.example');
    assert.match(out.welcome, /^\+OK /);
    assert.ok(out.capa.includes('UIDL') && out.capa.includes('TOP') && out.capa.includes('SASL'));
    assert.equal(out.stat[0], corpus.length);
    corpus.forEach((m, i) => {
      const expected = crlf(m.bytes);
      // poplib strips the final CRLF and undoes the dot-stuffing.
      const got = Buffer.from(out.messages[i], 'hex');
      assert.equal(Buffer.concat([got, Buffer.from('\r\n')]).equals(expected), true, `${m.name} differs`);
      assert.equal(out.list[i], `${i + 1} ${expected.length}`, `${m.name}: LIST size is the CRLF size`);
    });
    assert.ok(out.top.includes(''), 'TOP n 0 ends with the blank line');
  });

  it('poplib with STLS sees the same UIDLs, and DELE + QUIT removes the message', async () => {
    const first = await poplib(h.port, 'stls', 'bob@pop.example', ['delete']);
    assert.equal(first.stat[0], 2);
    const second = await poplib(h.port, 'stls', 'bob@pop.example');
    assert.equal(second.stat[0], 1);
    assert.deepEqual(second.uidl, [first.uidl[1].replace(/^2 /, '1 ')]);
  });

  it('curl pop3s:// lists and retrieves, and pop3:// upgrades with --ssl-reqd', async () => {
    const user = `bob@pop.example:${PASSWORD}`;
    const list = await run('curl', ['-s', '--insecure', '--user', user, `pop3s://127.0.0.1:${h.tlsPort}/`]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^1 \d+\r\n$/);
    const retr = await run('curl', ['-s', '--insecure', '--ssl-reqd', '--user', user, `pop3://127.0.0.1:${h.port}/1`]);
    assert.equal(retr.code, 0, retr.stderr);
    assert.match(retr.stdout, /Subject: second\r\n\r\nsecond\r\n/);
  });

  it('curl without TLS cannot log in on the plain listener', async () => {
    const r = await run('curl', ['-s', '--user', `bob@pop.example:${PASSWORD}`, `pop3://127.0.0.1:${h.port}/`]);
    assert.notEqual(r.code, 0);
  });

  it('poplib with a wrong password gets [AUTH]', async () => {
    const script = `
import poplib, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
p.user('alice@pop.example')
try:
    p.pass_('not-the-password')
except poplib.error_proto as e:
    print(e.args[0].decode())
`;
    const r = await run('python3', ['-c', script, String(h.tlsPort)]);
    assert.equal(r.stdout.trim(), '-ERR [AUTH] Authentication failed');
  });
});
