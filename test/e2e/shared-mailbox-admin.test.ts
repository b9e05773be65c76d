// Shared mailboxes beyond the first day, end to end with real clients: a user
// delegating their own mailbox to an assistant (/api/v1/me), converting an
// account to a shared mailbox and back, mail to a public folder by its
// address, the "Shared/" IMAP prefix, and every kind of bad input from the
// issue refused with a catalogue error and nothing half-applied.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import type { Client } from '../api/harness.ts';
import { RawClient } from '../imap/harness.ts';
import { PASSWORD, startInProcess, type InProcessStoa } from './stoa-in-process.ts';

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

function imapOf(s: InProcessStoa, clients: ImapFlow[]) {
  return async (user: string, password = PASSWORD): Promise<ImapFlow> => {
    const client = new ImapFlow({ host: '127.0.0.1', port: s.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };
}

async function seed(admin: Client, domains: string[], accounts: string[]): Promise<void> {
  for (const name of domains) assert.equal((await admin.post('/api/v1/domains', { name })).status, 201);
  for (const address of accounts) {
    const res = await admin.post('/api/v1/accounts', { address, password: PASSWORD });
    assert.equal(res.status, 201, res.text);
  }
}

describe('shared mailboxes: delegation by users, conversion, public folders and bad input', { timeout: 120_000 }, () => {
  let s: InProcessStoa;
  let admin: Client;
  const clients: ImapFlow[] = [];
  let imap: (user: string, password?: string) => Promise<ImapFlow>;

  before(async () => {
    s = await startInProcess((c) => {
      c.mail.sharedMailboxes.maxGrantsPerMailbox = 4;
      c.filter.attachments.action = 'quarantine';
    });
    admin = s.admin;
    imap = imapOf(s, clients);
    await seed(admin, ['example.test', 'other.test'], [
      'boss@example.test', 'assistant@example.test', 'leaver@example.test', 'manager@example.test', 'alice@example.test', 'eve@other.test',
    ]);
    assert.equal((await admin.post('/api/v1/shared-mailboxes', { address: 'sales@example.test', displayName: 'Sales' })).status, 201);
  });
  after(async () => {
    for (const c of clients) c.close();
    await s.close();
  });

  test('a user delegates their own mailbox to an assistant through /api/v1/me; the assistant works in it and sends on behalf', async () => {
    const boss = await s.login('boss@example.test');
    const full = await boss.post('/api/v1/me/grants', { grantee: 'assistant@example.test', right: 'full-access' });
    assert.equal(full.status, 201, full.text);
    assert.equal((await boss.post('/api/v1/me/grants', { grantee: 'assistant@example.test', right: 'send-on-behalf' })).status, 201);
    // Only within the user's own domain, and never to someone who does not exist.
    for (const grantee of ['eve@other.test', 'nobody@example.test']) {
      const res = await boss.post('/api/v1/me/grants', { grantee, right: 'full-access' });
      assert.equal(res.status, 422, grantee);
      assert.equal(res.body.code, 'STOA_INVALID_REFERENCE');
    }
    assert.equal((await boss.get('/api/v1/me/grants')).body.items.length, 2);
    await s.mx().sendMail({ from: 'partner@outside.test', to: 'boss@example.test', subject: 'For the boss', text: 'hi' });

    const assistant = await imap('assistant@example.test');
    assert.ok((await assistant.list()).some((m) => m.path === 'Other Users/boss@example.test/INBOX'));
    const box = await assistant.mailboxOpen('Other Users/boss@example.test/INBOX');
    assert.equal(box.exists, 1);
    // Full access includes creating top-level folders in the delegated tree.
    await assistant.mailboxCreate('Other Users/boss@example.test/Travel');
    const assistantApi = await s.login('assistant@example.test');
    const access = (await assistantApi.get('/api/v1/me/delegated-access')).body;
    assert.deepEqual(access.open.map((e: { mailbox: { address: string } }) => e.mailbox.address), ['boss@example.test']);
    assert.deepEqual(access.sendOnBehalf.map((e: { mailbox: { address: string } }) => e.mailbox.address), ['boss@example.test']);

    const info = await s.submission('assistant@example.test').sendMail({
      envelope: { from: 'assistant@example.test', to: ['client@outside.test'] },
      from: 'boss@example.test', sender: 'assistant@example.test', to: 'client@outside.test', subject: 'On behalf of the boss', text: 'x',
    });
    assert.deepEqual(info.accepted, ['client@outside.test']);
    // The assistant cannot touch the boss's grants.
    assert.equal((await assistantApi.get(`/api/v1/accounts/boss@example.test/grants`)).status, 403);
    assert.equal((await boss.delete(`/api/v1/me/grants/${full.body.id}`)).status, 204);
    assert.ok(!(await assistant.list()).some((m) => m.path.startsWith('Other Users/boss')));
  });

  test('an account becomes a shared mailbox: mail and grants on it stay, its sessions end and nobody can log in; and back', async () => {
    const id = (await admin.get('/api/v1/accounts/leaver@example.test')).body.id;
    await s.mx().sendMail({ from: 'partner@outside.test', to: 'leaver@example.test', subject: 'Before leaving', text: 'x' });
    assert.equal((await admin.post('/api/v1/accounts/leaver@example.test/grants', { grantee: 'manager@example.test', right: 'full-access' })).status, 201);
    const list = await admin.post('/api/v1/groups', { address: 'everyone@example.test', kind: 'distribution', members: [{ kind: 'account', id }] });
    assert.equal(list.status, 201);
    assert.equal((await admin.post(`/api/v1/accounts/${id}/app-passwords`, { name: 'phone' })).status, 201);
    const leaverApi = await s.login('leaver@example.test');
    const leaverImap = await imap('leaver@example.test');
    let closed = false;
    leaverImap.on('close', () => { closed = true; });

    const converted = await admin.post('/api/v1/accounts/leaver@example.test/convert-to-shared');
    assert.equal(converted.status, 200, converted.text);
    assert.equal(converted.body.id, id, 'same id: the mail stays where it is');
    await until('the open IMAP session to end', async () => closed);
    await assert.rejects(imap('leaver@example.test'));
    assert.equal((await leaverApi.get('/api/v1/me')).status, 401, 'its console session is gone');
    assert.equal((await admin.get(`/api/v1/accounts/${id}`)).status, 404);
    assert.deepEqual(await s.store.appPasswords.listForAccount(id), []);
    // The manager still opens it, now as a shared mailbox, with the mail that was there.
    const manager = await imap('manager@example.test');
    const box = await manager.mailboxOpen('Other Users/leaver@example.test/INBOX');
    assert.equal(box.exists, 1);
    // A list that mailed the account now mails its address, and the shared mailbox takes it.
    const members = (await admin.get('/api/v1/groups/everyone@example.test')).body.members;
    assert.deepEqual(members, [{ kind: 'external', address: 'leaver@example.test' }]);
    await s.submission('alice@example.test').sendMail({ from: 'alice@example.test', to: 'everyone@example.test', subject: 'All hands', text: 'x' });
    await until('the list message in the shared mailbox', async () => {
      const status = await manager.status('Other Users/leaver@example.test/INBOX', { messages: true });
      return status !== false && status.messages === 2;
    });
    const audit = (await admin.get(`/api/v1/audit?objectId=${id}&limit=20`)).body.items;
    assert.ok(audit.some((e: { action: string; objectType: string }) => e.action === 'convert' && e.objectType === 'shared-mailbox'));

    const back = await admin.post(`/api/v1/shared-mailboxes/${id}/convert-to-account`, { password: 'a brand new password' });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.id, id);
    const again = await imap('leaver@example.test', 'a brand new password');
    assert.equal((await again.mailboxOpen('INBOX')).exists, 2);
  });

  test('only plain users are converted; an admin is refused and stays as it was', async () => {
    const da = await admin.post('/api/v1/accounts', { address: 'da@example.test', password: PASSWORD });
    assert.equal((await admin.put('/api/v1/accounts/da@example.test/role', { role: 'domain-admin', domains: ['example.test'] })).status, 200);
    const res = await admin.post('/api/v1/accounts/da@example.test/convert-to-shared');
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'STOA_CONVERSION_REFUSED');
    assert.equal((await admin.get(`/api/v1/accounts/${da.body.id}`)).body.role, 'domain-admin');
    assert.equal((await admin.post('/api/v1/accounts/admin/convert-to-shared')).body.code, 'STOA_CONVERSION_REFUSED');
  });

  test('a public folder with an address: "p" for signed-in senders, the folder\'s setting for mail from outside', async () => {
    const folder = (await admin.post('/api/v1/domains/example.test/public-folders', { name: 'Invoices' })).body;
    const set = await admin.put(`/api/v1/domains/example.test/public-folders/${folder.id}/address`, { address: 'invoices@example.test' });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual([set.body.address, set.body.acceptExternal], ['invoices@example.test', false]);
    const outside = { from: 'supplier@outside.test', to: 'invoices@example.test', subject: 'Invoice 17', text: 'pay me' };
    await assert.rejects(s.mx().sendMail(outside), (err) => /^550 5\.7\.1/.test(replyOf(err)));
    const alice = s.submission('alice@example.test');
    const fromAlice = { from: 'alice@example.test', to: 'invoices@example.test', subject: 'Expense claim', text: 'x' };
    await assert.rejects(alice.sendMail(fromAlice), (err) => /^550 5\.7\.1/.test(replyOf(err)), 'no "p" right yet');
    assert.equal((await admin.put(`/api/v1/domains/example.test/public-folders/${folder.id}/acl/alice@example.test`, { rights: 'lrp' })).status, 200);
    await alice.sendMail(fromAlice);
    assert.equal((await admin.put(`/api/v1/domains/example.test/public-folders/${folder.id}/address`, { address: 'invoices@example.test', acceptExternal: true })).status, 200);
    await s.mx().sendMail(outside);
    const reader = await imap('alice@example.test');
    const box = await reader.mailboxOpen('Shared Folders/Invoices');
    assert.equal(box.exists, 2);
    const subjects: string[] = [];
    for await (const m of reader.fetch('1:*', { envelope: true })) subjects.push(m.envelope!.subject!);
    assert.deepEqual(subjects.sort(), ['Expense claim', 'Invoice 17']);
    // Its address is one owner in the address space like any other, and only in the folder's domain.
    assert.equal((await admin.post('/api/v1/accounts', { address: 'invoices@example.test', password: PASSWORD })).body.code, 'STOA_ADDRESS_TAKEN');
    assert.equal((await admin.put(`/api/v1/domains/example.test/public-folders/${folder.id}/address`, { address: 'invoices@other.test' })).status, 400);
    assert.equal((await admin.delete(`/api/v1/domains/example.test/public-folders/${folder.id}`)).status, 204);
    await assert.rejects(s.mx().sendMail(outside), (err) => /^550 5\.1\.1/.test(replyOf(err)), 'a deleted folder gives its address back');
    assert.equal((await admin.post('/api/v1/aliases', { address: 'invoices@example.test', targets: ['alice@example.test'] })).status, 201);
  });

  test('mail for a shared mailbox held in quarantine is released into it by an admin', async () => {
    await s.mx().sendMail({
      from: 'courier@outside.test', to: 'sales@example.test', subject: 'Your parcel', text: 'see attachment',
      attachments: [{ filename: 'label.exe', content: Buffer.from('MZ not really') }],
    });
    const held = (await admin.get('/api/v1/filter/quarantine?status=held')).body.items as Array<{ id: string; subject: string }>;
    const entry = held.find((e) => e.subject === 'Your parcel');
    assert.ok(entry, JSON.stringify(held));
    const salesId = (await admin.get('/api/v1/shared-mailboxes/sales@example.test')).body.id;
    const inboxCount = async () => {
      const inbox = await s.store.mailboxes.getByName(salesId, 'INBOX');
      return inbox ? (await s.store.messages.status(inbox.id)).messages : 0;
    };
    assert.equal(await inboxCount(), 0);
    const released = await admin.post(`/api/v1/filter/quarantine/${entry.id}/release`);
    assert.ok([200, 204].includes(released.status), released.text);
    assert.equal(await inboxCount(), 1);
  });

  test('bad input is refused with a catalogue error, and nothing is half-applied', async () => {
    await admin.post('/api/v1/accounts', { address: 'da-other@other.test', password: PASSWORD });
    assert.equal((await admin.put('/api/v1/accounts/da-other@other.test/role', { role: 'domain-admin', domains: ['other.test'] })).status, 200);
    await admin.post('/api/v1/accounts', { address: 'da-ex@example.test', password: PASSWORD });
    assert.equal((await admin.put('/api/v1/accounts/da-ex@example.test/role', { role: 'domain-admin', domains: ['example.test'] })).status, 200);
    const daOther = await s.login('da-other@other.test');
    const daExample = await s.login('da-ex@example.test');
    const grants = '/api/v1/shared-mailboxes/sales@example.test/grants';
    const cases: Array<[string, Client, string, unknown, number, string]> = [
      ['a grantee that does not exist', admin, grants, { grantee: 'ghost@example.test', right: 'full-access' }, 422, 'STOA_INVALID_REFERENCE'],
      ['a mailbox in a domain the admin does not hold', daOther, grants, { grantee: 'eve@other.test', right: 'full-access' }, 404, 'STOA_NOT_FOUND'],
      ['a grantee in a domain the admin does not hold', daExample, grants, { grantee: 'eve@other.test', right: 'send-as' }, 422, 'STOA_INVALID_REFERENCE'],
      ['another shared mailbox as grantee (nobody logs in as one)', admin, grants, { grantee: 'sales@example.test', right: 'full-access' }, 422, 'STOA_INVALID_REFERENCE'],
      ['a right that does not exist', admin, grants, { grantee: 'alice@example.test', right: 'owner' }, 400, 'STOA_VALIDATION'],
      ['a shared mailbox forwarding to itself', admin, 'PATCH /api/v1/shared-mailboxes/sales@example.test', { forwardTo: ['sales@example.test'] }, 400, 'STOA_VALIDATION'],
    ];
    assert.equal((await admin.post('/api/v1/aliases', { address: 'info@example.test', targets: ['sales@example.test'] })).status, 201);
    await admin.patch('/api/v1/accounts/manager@example.test', { forwardTo: ['sales@example.test'] });
    cases.push(
      ['forwarding through an alias back to itself', admin, 'PATCH /api/v1/shared-mailboxes/sales@example.test', { forwardTo: ['info@example.test'] }, 422, 'STOA_FORWARD_LOOP'],
      ['forwarding through an account that forwards back', admin, 'PATCH /api/v1/shared-mailboxes/sales@example.test', { forwardTo: ['manager@example.test'] }, 422, 'STOA_FORWARD_LOOP'],
    );
    const before = (await admin.get(grants)).body.items;
    const mailboxBefore = (await admin.get('/api/v1/shared-mailboxes/sales@example.test')).body;
    for (const [label, client, target, body, status, code] of cases) {
      const [method, path] = target.includes(' ') ? target.split(' ') : ['POST', target];
      const res = await client.request(method, path, body);
      assert.equal(res.status, status, `${label}: ${res.text}`);
      assert.equal(res.body.code, code, label);
    }
    assert.deepEqual((await admin.get(grants)).body.items, before, 'no grant was added');
    assert.deepEqual((await admin.get('/api/v1/shared-mailboxes/sales@example.test')).body, mailboxBefore, 'the mailbox is unchanged');

    // The same grant twice, and the limit of grants per mailbox.
    assert.equal((await admin.post(grants, { grantee: 'alice@example.test', right: 'send-as' })).status, 201);
    const twice = await admin.post(grants, { grantee: 'alice@example.test', right: 'send-as' });
    assert.deepEqual([twice.status, twice.body.code], [409, 'STOA_CONFLICT']);
    for (const right of ['full-access', 'send-on-behalf']) assert.equal((await admin.post(grants, { grantee: 'alice@example.test', right })).status, 201);
    assert.equal((await admin.post(grants, { grantee: 'manager@example.test', right: 'send-as' })).status, 201);
    const over = await admin.post(grants, { grantee: 'boss@example.test', right: 'send-as' });
    assert.deepEqual([over.status, over.body.code], [422, 'STOA_GRANT_INVALID']);
    assert.equal((await admin.get(grants)).body.items.length, 4);
    // A domain admin of the mailbox's domain may grant inside it; a plain user may not at all.
    assert.equal((await daExample.get(grants)).status, 200);
    assert.equal((await (await s.login('alice@example.test')).get(grants)).status, 403);
  });
});

describe('shared mailboxes under the "Shared/" IMAP prefix (mail.sharedMailboxes.imapPrefix)', { timeout: 60_000 }, () => {
  let s: InProcessStoa;
  const clients: ImapFlow[] = [];
  before(async () => {
    s = await startInProcess((c) => { c.mail.sharedMailboxes.imapPrefix = 'Shared'; });
    await seed(s.admin, ['example.test'], ['alice@example.test', 'boss@example.test']);
    assert.equal((await s.admin.post('/api/v1/shared-mailboxes', { address: 'support@example.test' })).status, 201);
    assert.equal((await s.admin.post('/api/v1/shared-mailboxes/support@example.test/grants', { grantee: 'alice@example.test', right: 'full-access' })).status, 201);
    assert.equal((await s.admin.post('/api/v1/accounts/boss@example.test/grants', { grantee: 'alice@example.test', right: 'full-access' })).status, 201);
  });
  after(async () => {
    for (const c of clients) c.close();
    await s.close();
  });

  test('NAMESPACE announces Shared/ in the shared section; shared mailboxes list there, delegated users under Other Users/', async () => {
    const raw = await RawClient.connect(s.ports.imap);
    try {
      await raw.command(`LOGIN alice@example.test "${PASSWORD}"`);
      const ns = await raw.command('NAMESPACE');
      assert.match(ns, /\* NAMESPACE \(\("" "\/"\)\) \(\("Other Users\/" "\/"\)\) \(\("Shared Folders\/" "\/"\)\("Shared\/" "\/"\)\)/);
      const list = await raw.command('LIST "" "*"');
      assert.match(list, /"\/" Shared\/support@example\.test\/INBOX\r\n/);
      assert.match(list, /"Other Users\/boss@example\.test\/INBOX"/);
      assert.doesNotMatch(list, /Other Users\/support/);
      assert.match(await raw.command('SELECT "Shared/support@example.test/INBOX"'), /OK \[READ-WRITE\]/);
      assert.match(await raw.command('SELECT "Other Users/support@example.test/INBOX"'), /NO \[NONEXISTENT\]/);
      assert.match(await raw.command('CREATE "Shared"'), /NO \[CANNOT\]/);
      assert.match(await raw.command('CREATE "Shared/support@example.test/Escalations"'), /OK/);
      // Full access is every right but "a": the ACL is not the delegate's to read or change (test/imap/delegation-persistence.test.ts).
      assert.match(await raw.command('MYRIGHTS "Shared/support@example.test/INBOX"'), /\* MYRIGHTS "?Shared\/support@example\.test\/INBOX"? lrswipkxte\r\n/);
      assert.match(await raw.command('GETACL "Shared/support@example.test/INBOX"'), /T\d+ NO/);
    } finally {
      raw.close();
    }
  });
});
