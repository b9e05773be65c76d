// Issue 9, end to end with real clients against a whole server: an admin
// creates sales@ as a shared mailbox through the admin API, gives a group
// (nested) full access, one user send-as and another send-on-behalf; a group
// member opens it over IMAP (imapflow and Python imaplib) and sees new mail
// through IDLE; the send-as user submits From: sales@ (nodemailer) and the
// queued message is DKIM-signed for the domain (verified against the key the
// API publishes) and filed in sales@'s Sent folder; a member without the
// grant gets 553; send on behalf needs Sender: to be the user (Python
// smtplib); Autodiscover lists the mailbox; revoking the grant takes effect
// in an already-open IMAP session; deleting sales@ takes its grants along,
// audited.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import type { Client } from '../api/harness.ts';
import { PASSWORD, startInProcess, type InProcessStoa } from './stoa-in-process.ts';

const run = promisify(execFile);
const SALES_INBOX = 'Other Users/sales@example.test/INBOX';

function replyOf(err: unknown): string {
  const e = err as { response?: string; message?: string };
  return e.response ?? e.message ?? String(err);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('shared mailboxes and delegation, end to end', { timeout: 120_000 }, () => {
  let s: InProcessStoa;
  let admin: Client;
  let salesId = '';
  const grants: Record<string, string> = {};
  const clients: ImapFlow[] = [];

  async function imap(user: string, password = PASSWORD): Promise<ImapFlow> {
    const client = new ImapFlow({ host: '127.0.0.1', port: s.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
    await client.connect();
    clients.push(client);
    return client;
  }

  before(async () => {
    s = await startInProcess();
    admin = s.admin;
    assert.equal((await admin.post('/api/v1/domains', { name: 'example.test' })).status, 201);
    for (const local of ['alice', 'bob', 'carol', 'dave']) {
      const res = await admin.post('/api/v1/accounts', { address: `${local}@example.test`, password: PASSWORD, displayName: local });
      assert.equal(res.status, 201, res.text);
    }
    // Nested membership: carol is in "inner", which is in "sales-team"; alice is in "sales-team" directly.
    const inner = await admin.post('/api/v1/groups', { address: 'inner@example.test', members: [{ kind: 'account', id: (await admin.get('/api/v1/accounts/carol@example.test')).body.id }] });
    assert.equal(inner.status, 201, inner.text);
    const team = await admin.post('/api/v1/groups', {
      address: 'sales-team@example.test',
      members: [{ kind: 'account', id: (await admin.get('/api/v1/accounts/alice@example.test')).body.id }, { kind: 'group', id: inner.body.id }],
    });
    assert.equal(team.status, 201, team.text);
  });
  after(async () => {
    for (const c of clients) c.close();
    await s.close();
  });

  test('an admin creates sales@ as a shared mailbox and grants full access to a group, send as and send on behalf to users', async () => {
    const created = await admin.post('/api/v1/shared-mailboxes', { address: 'sales@example.test', displayName: 'Sales' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.copySent, true, 'Sent copies are on by default');
    salesId = created.body.id;
    assert.equal(created.headers.get('location'), `/api/v1/shared-mailboxes/${salesId}`);
    for (const [grantee, right] of [['sales-team@example.test', 'full-access'], ['bob@example.test', 'send-as'], ['carol@example.test', 'send-on-behalf']]) {
      const res = await admin.post('/api/v1/shared-mailboxes/sales@example.test/grants', { grantee, right });
      assert.equal(res.status, 201, res.text);
      grants[`${grantee}:${right}`] = res.body.id;
    }
    const list = (await admin.get(`/api/v1/shared-mailboxes/${salesId}/grants`)).body.items as Array<{ grantee: { kind: string; address: string }; right: string }>;
    assert.deepEqual(list.map((g) => `${g.grantee.kind}:${g.grantee.address}:${g.right}`), [
      'group:sales-team@example.test:full-access', 'account:bob@example.test:send-as', 'account:carol@example.test:send-on-behalf',
    ]);
    // For a user: which mailboxes they can open or send as, and through which grant.
    const carol = (await admin.get('/api/v1/accounts/carol@example.test/delegated-access')).body;
    assert.deepEqual(carol.open.map((e: { mailbox: { address: string }; via: Array<{ address: string }> }) => [e.mailbox.address, e.via.map((v) => v.address)]), [['sales@example.test', ['sales-team@example.test']]]);
    assert.deepEqual(carol.sendOnBehalf.map((e: { mailbox: { address: string } }) => e.mailbox.address), ['sales@example.test']);
    assert.deepEqual(carol.sendAs, []);
    const audit = (await admin.get(`/api/v1/audit?objectType=mailbox-grant&limit=50`)).body.items;
    assert.equal(audit.filter((e: { action: string }) => e.action === 'grant').length, 3, 'each grant is audited');
  });

  test('nobody logs in as the shared mailbox: IMAP, POP3, submission and the admin API refuse it', async () => {
    await assert.rejects(imap('sales@example.test', 'anything at all'), /auth|fail/i);
    const pop = await run('python3', ['-c', `
import poplib
p = poplib.POP3('127.0.0.1', ${s.ports.pop3})
p.user('sales@example.test')
try:
    p.pass_('anything at all')
    print('logged in')
except poplib.error_proto as e:
    print('refused', e)
`], { timeout: 20_000 });
    assert.match(pop.stdout, /^refused/);
    await assert.rejects(s.submission('sales@example.test', 'anything at all').verify(), (err) => /535/.test(replyOf(err)));
    assert.equal((await new (await import('../api/harness.ts')).Client(s.base).post('/api/v1/session', { username: 'sales@example.test', password: 'anything at all' })).status, 401);
  });

  test('a group member opens sales@ over IMAP (imapflow) and sees new mail through IDLE', async () => {
    const alice = await imap('alice@example.test');
    const names = (await alice.list()).map((m) => m.path);
    for (const name of [SALES_INBOX, 'Other Users/sales@example.test/Sent', 'Other Users/sales@example.test/Drafts']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const box = await alice.mailboxOpen(SALES_INBOX);
    assert.equal(box.exists, 0);
    const seen: number[] = [];
    alice.on('exists', (e: { count: number }) => seen.push(e.count));
    void alice.idle();
    await sleep(200);
    // Mail from outside arrives while the member's session is in IDLE (RFC 2177).
    await s.mx().sendMail({ from: 'customer@outside.test', to: 'sales@example.test', subject: 'Quote please', text: 'How much for 40 chairs?' });
    await until('EXISTS pushed during IDLE', async () => seen.includes(1));
    const message = await alice.fetchOne('1', { envelope: true, flags: true });
    assert.equal(message && message.envelope?.subject, 'Quote please');
    // Every right, as the owner would have: flag it.
    await alice.messageFlagsAdd('1', ['\\Flagged']);
    const flagged = await alice.fetchOne('1', { flags: true });
    assert.ok(flagged && flagged.flags?.has('\\Flagged'));
    // A member of the nested group sees it too.
    const carol = await imap('carol@example.test');
    assert.ok((await carol.list()).some((m) => m.path === SALES_INBOX));
    // Someone outside the group does not.
    const dave = await imap('dave@example.test');
    assert.ok(!(await dave.list()).some((m) => m.path.startsWith('Other Users/sales')));
    await assert.rejects(dave.mailboxOpen(SALES_INBOX));
  });

  test('a group member opens sales@ with Python imaplib: namespace, list, select, fetch', async () => {
    const script = `
import imaplib
m = imaplib.IMAP4('127.0.0.1', ${s.ports.imap})
m.login('carol@example.test', '${PASSWORD}')
typ, ns = m.namespace()
assert b'"Other Users/"' in ns[0], ns
typ, boxes = m.list('"Other Users/sales@example.test"', '*')
assert typ == 'OK' and any(b'Other Users/sales@example.test/INBOX' in b for b in boxes), boxes
typ, data = m.select('"${SALES_INBOX}"')
assert typ == 'OK' and data[0] == b'1', data
typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
assert b'Quote please' in data[0][1], data
typ, data = m.myrights('"${SALES_INBOX}"')
assert b'lrswipkxte' in data[0] and b'lrswipkxtea' not in data[0], data
m.logout()
print('ok')
`;
    const { stdout } = await run('python3', ['-c', script], { timeout: 20_000 });
    assert.equal(stdout.trim(), 'ok');
  });

  test('the send-as user submits From: sales@: accepted, DKIM-signed for example.test, filed in sales@\'s Sent folder', async () => {
    const info = await s.submission('bob@example.test').sendMail({
      from: 'Sales <sales@example.test>', to: 'buyer@outside.test', subject: 'Your quote', text: '40 chairs: 1,200 EUR.',
    });
    assert.deepEqual(info.accepted, ['buyer@outside.test']);
    const queued = (await s.queued()).find((q) => q.raw.includes('Subject: Your quote'));
    assert.ok(queued, 'queued for the outside recipient');
    assert.equal(queued.sender, 'sales@example.test');
    assert.match(queued.raw, /^DKIM-Signature: [^\r]*\bd=example\.test;/m);
    const dkim = (await admin.get('/api/v1/domains/example.test/dkim')).body.records as Array<{ name: string; value: string }>;
    const result = await dkimVerify(Buffer.from(queued.raw), {
      resolver: async (name: string, type: string) => {
        const record = dkim.find((r) => r.name.toLowerCase() === name.toLowerCase().replace(/\.$/, ''));
        if (type !== 'TXT' || !record) throw Object.assign(new Error(`no ${type} ${name}`), { code: 'ENOTFOUND' });
        return [[record.value]];
      },
    });
    assert.ok(result.results.some((r) => r.status.result === 'pass' && r.signingDomain === 'example.test'), JSON.stringify(result.results.map((r) => r.status)));
    // Exchange's "copy items sent as this mailbox": the Sent folder of sales@, seen by everyone with full access.
    const alice = await imap('alice@example.test');
    const sent = await alice.mailboxOpen('Other Users/sales@example.test/Sent');
    assert.equal(sent.exists, 1);
    const copy = await alice.fetchOne('1', { envelope: true, flags: true });
    assert.equal(copy && copy.envelope?.subject, 'Your quote');
    assert.ok(copy && copy.flags?.has('\\Seen'));
  });

  test('a group member without send as gets 553, at MAIL FROM and for From: at DATA', async () => {
    await assert.rejects(
      s.submission('alice@example.test').sendMail({ from: 'sales@example.test', to: 'buyer@outside.test', subject: 'x', text: 'x' }),
      (err) => /^553 5\.7\.1/.test(replyOf(err)),
    );
    await assert.rejects(
      s.submission('alice@example.test').sendMail({ envelope: { from: 'alice@example.test', to: ['buyer@outside.test'] }, from: 'sales@example.test', to: 'buyer@outside.test', subject: 'x', text: 'x' }),
      (err) => /^553 5\.7\.1/.test(replyOf(err)) && /From: <sales@example\.test> is not yours/.test(replyOf(err)),
    );
  });

  test('a member without send as cannot hide From: sales@ from the check: a lone CR, or an address the parser passes over, gets 550 5.6.0', async () => {
    const envelope = { from: 'alice@example.test', to: ['buyer@outside.test'] };
    for (const head of [
      'Subject: hi\rFrom: Sales <sales@example.test>\r\nFrom: alice@example.test',
      'From: <alice@example.test> <sales@example.test>',
      'From: sales@example.test <alice@example.test>',
    ]) {
      await assert.rejects(
        s.submission('alice@example.test').sendMail({ envelope, raw: `${head}\r\nTo: buyer@outside.test\r\n\r\nPay the invoice.\r\n` }),
        (err) => /^550 5\.6\.0/.test(replyOf(err)),
        JSON.stringify(head),
      );
    }
  });

  test('send on behalf (Python smtplib): accepted with Sender: the user, refused without it or with a forged Sender:', async () => {
    const script = `
import smtplib, ssl, sys
def send(sender_field):
    msg = 'From: Sales <sales@example.test>\\r\\n'
    if sender_field: msg += 'Sender: ' + sender_field + '\\r\\n'
    msg += 'To: buyer@outside.test\\r\\nSubject: On behalf ' + str(sender_field) + '\\r\\n\\r\\nhello\\r\\n'
    with smtplib.SMTP('127.0.0.1', ${s.ports.submission}) as c:
        c.starttls(context=ssl._create_unverified_context())
        c.login('carol@example.test', '${PASSWORD}')
        try:
            c.sendmail('carol@example.test', ['buyer@outside.test'], msg)
            return 'accepted'
        except smtplib.SMTPDataError as e:
            return str(e.smtp_code) + ' ' + e.smtp_error.decode()
print(send('Carol <carol@example.test>'))
print(send(None))
print(send('bob@example.test'))
`;
    const { stdout } = await run('python3', ['-c', script], { timeout: 20_000 });
    const [withSender, without, forged] = stdout.trim().split('\n');
    assert.equal(withSender, 'accepted');
    assert.match(without, /^553 5\.7\.1 .*may be used only on behalf: add Sender: <carol@example\.test>/);
    assert.match(forged, /^553 5\.7\.1 .*Sender: <bob@example\.test> is not yours/);
    const queued = (await s.queued()).find((q) => q.raw.includes('Subject: On behalf Carol'));
    assert.ok(queued);
    assert.match(queued.raw, /^Sender: Carol <carol@example\.test>\r$/m);
    assert.match(queued.raw, /^DKIM-Signature: [^\r]*\bd=example\.test;/m);
  });

  test('Autodiscover lists sales@ as an additional mailbox for an authenticated member, and for nobody else', async () => {
    const body = (email: string) => `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;
    const ask = (email: string, auth?: string) => fetch(`${s.base}/autodiscover/autodiscover.xml`, {
      method: 'POST', headers: { 'content-type': 'text/xml', ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) }, body: body(email),
    });
    const member = await ask('alice@example.test', `alice@example.test:${PASSWORD}`);
    assert.equal(member.status, 200);
    const xml = await member.text();
    assert.match(xml, /<AlternativeMailbox>\s*<Type>Delegate<\/Type>\s*<DisplayName>Sales<\/DisplayName>\s*<SmtpAddress>sales@example\.test<\/SmtpAddress>\s*<OwnerSmtpAddress>sales@example\.test<\/OwnerSmtpAddress>\s*<\/AlternativeMailbox>/);
    assert.ok(!(await (await ask('alice@example.test')).text()).includes('AlternativeMailbox'), 'not without credentials');
    assert.ok(!(await (await ask('alice@example.test', `dave@example.test:${PASSWORD}`)).text()).includes('AlternativeMailbox'), 'not for another user\'s address');
    assert.ok(!(await (await ask('dave@example.test', `dave@example.test:${PASSWORD}`)).text()).includes('AlternativeMailbox'), 'not for a user without full access');
    const wrong = await ask('alice@example.test', 'alice@example.test:wrong password');
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/);
  });

  test('revoking the group\'s full access takes effect in an already-open IMAP session', async () => {
    const alice = await imap('alice@example.test');
    await alice.mailboxOpen(SALES_INBOX);
    assert.ok(await alice.fetchOne('1', { uid: true }));
    const res = await admin.delete(`/api/v1/shared-mailboxes/${salesId}/grants/${grants['sales-team@example.test:full-access']}`);
    assert.equal(res.status, 204, res.text);
    // The very next command of the open session is refused: its rights were re-read when the change was announced.
    await assert.rejects(alice.fetchOne('1', { envelope: true }).then((m) => { if (!m) throw new Error('no message'); }));
    assert.ok(!(await alice.list()).some((m) => m.path.startsWith('Other Users/sales')), 'gone from LIST');
    await assert.rejects(alice.mailboxOpen(SALES_INBOX));
    // A fresh session has nothing either, and the API says so.
    assert.deepEqual((await admin.get('/api/v1/accounts/alice@example.test/delegated-access')).body.open, []);
    const audit = (await admin.get(`/api/v1/audit?objectType=mailbox-grant&limit=50`)).body.items;
    assert.ok(audit.some((e: { action: string; before: { right: string } | null }) => e.action === 'revoke' && e.before?.right === 'full-access'));
  });

  test('deleting sales@ takes its grants along in the same transaction, audited; its address takes no more mail', async () => {
    const before = (await admin.get(`/api/v1/shared-mailboxes/${salesId}/grants`)).body.items.length;
    assert.equal(before, 2);
    assert.equal((await admin.delete('/api/v1/shared-mailboxes/sales@example.test')).status, 204);
    assert.equal((await admin.get(`/api/v1/shared-mailboxes/${salesId}`)).status, 404);
    assert.equal((await admin.get(`/api/v1/shared-mailboxes/${salesId}/grants`)).status, 404);
    assert.deepEqual(await s.store.mailboxGrants.forOwner(salesId), [], 'no grant row is left behind');
    assert.deepEqual(await s.store.mailboxes.list(salesId), [], 'its mailboxes are gone');
    const audit = (await admin.get(`/api/v1/audit?limit=100`)).body.items as Array<{ action: string; objectType: string; objectId: string; before: Record<string, unknown> | null }>;
    const deletion = audit.find((e) => e.objectType === 'shared-mailbox' && e.action === 'delete');
    assert.ok(deletion && deletion.objectId === salesId && deletion.before?.grantsRemoved === 2, JSON.stringify(deletion));
    assert.equal(audit.filter((e) => e.objectType === 'mailbox-grant' && e.action === 'revoke').length, 3, 'the revoke above and the two removed with it');
    assert.deepEqual((await admin.get('/api/v1/accounts/bob@example.test/delegated-access')).body, { open: [], sendAs: [], sendOnBehalf: [] });
    await assert.rejects(
      s.submission('bob@example.test').sendMail({ from: 'sales@example.test', to: 'buyer@outside.test', subject: 'x', text: 'x' }),
      (err) => /^553/.test(replyOf(err)),
    );
    await assert.rejects(s.mx().sendMail({ from: 'customer@outside.test', to: 'sales@example.test', subject: 'x', text: 'x' }), (err) => /^550 5\.1\.1/.test(replyOf(err)));
  });
});
