// Active Directory end to end: a real Samba AD DC (test/support/samba-dc.ts),
// the whole Stoa server, and real clients. Users sign in with their
// directory passwords over IMAP, POP3, SMTP submission and the admin API;
// the sync brings accounts, proxyAddresses aliases, groups and roles from
// nested groups; bad entries, injection attempts and outages get clear
// answers; nothing is deleted because the directory said nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { ADMIN_DN, ADMIN_PASSWORD, BASE_DN, startSambaDc, unicodePwd, type SambaDc } from '../support/samba-dc.ts';
import { startBoth, startStoa, type Stoa } from './harness.ts';

const STAFF = `OU=Staff,${BASE_DN}`;
const dn = (cn: string) => `CN=${cn},${STAFF}`;

function user(cn: string, attrs: Record<string, string | string[]>, password: string, disabled = false): string {
  const lines = [`dn: ${dn(cn)}`, 'objectClass: user', `sAMAccountName: ${cn}`, `userPrincipalName: ${cn}@corp.stoa.test`,
    `userAccountControl: ${disabled ? 514 : 512}`, unicodePwd(password)];
  for (const [k, v] of Object.entries(attrs)) for (const x of [v].flat()) lines.push(`${k}: ${x}`);
  return `${lines.join('\n')}\n`;
}
function group(cn: string, members: string[], attrs: Record<string, string> = {}): string {
  return [`dn: ${dn(cn)}`, 'objectClass: group', `sAMAccountName: ${cn.replace(/\s/g, '')}`, ...Object.entries(attrs).map(([k, v]) => `${k}: ${v}`),
    ...members.map((m) => `member: ${m}`), ''].join('\n');
}

const PW = {
  alice: 'Alice-Dir3ctory!', bob: 'Bob-Dir3ctory!', erin: 'Erin-Dir3ctory!', frank: 'Frank-Dir3ctory!', carol: 'Carol-Dir3ctory!',
  gary: 'Gary-Dir3ctory!', lou: 'Lou-Dir3ctory!',
};

describe('Active Directory (Samba AD DC): sync, logins on every protocol, groups and roles', { timeout: 600_000 }, () => {
  let dc: SambaDc;
  let stoa: Stoa;
  let silent: Server;
  let connectionId: string;
  const settings = () => ({
    name: 'corp', kind: 'active-directory', servers: [dc.url],
    tls: { caPem: dc.caPem, serverName: dc.serverName },
    bindDn: ADMIN_DN, bindPassword: ADMIN_PASSWORD, baseDn: STAFF, domains: ['corp.stoa.test'],
    roleMappings: [{ group: dn('Stoa Admins'), role: 'server-admin' }],
    // Generous, so a busy CI machine does not look like an outage; the outage tests shorten them.
    connectTimeoutMs: 10_000, timeoutMs: 20_000,
  });
  const FAST = { connectTimeoutMs: 3000, timeoutMs: 5000 };
  const SLOW = { connectTimeoutMs: 10_000, timeoutMs: 20_000 };

  before(async () => {
    await startBoth(startSambaDc(), startStoa(), (d, s) => { dc = d!; stoa = s!; });
    dc.add([
      `dn: ${STAFF}\nobjectClass: organizationalUnit\n`,
      `dn: OU=Empty,${BASE_DN}\nobjectClass: organizationalUnit\n`,
      user('alice', { mail: 'alice@corp.stoa.test', displayName: 'Alice Anders', proxyAddresses: ['SMTP:alice@corp.stoa.test', 'smtp:a.anders@corp.stoa.test', 'smtp:alice@elsewhere.example', 'X500:/o=corp/cn=alice'] }, PW.alice),
      user('bob', { mail: 'bob@corp.stoa.test', displayName: 'Bob Disabled' }, PW.bob, true),
      user('carol', { displayName: 'Carol Nomail' }, PW.carol),
      user('dup1', { mail: 'dup@corp.stoa.test' }, PW.carol),
      user('dup2', { mail: 'dup@corp.stoa.test' }, PW.carol),
      user('erin', { mail: 'erin@corp.stoa.test', displayName: 'Erin Ops' }, PW.erin),
      user('frank', { mail: 'frank@corp.stoa.test', displayName: 'Frank Leaving' }, PW.frank),
      user('gary', { mail: 'gary@corp.stoa.test', displayName: 'Gary Moves' }, PW.gary),
      user('lou', { mail: 'lou@corp.stoa.test', displayName: 'Lou Lockout' }, PW.lou),
      group('IT Ops', [dn('erin')]),
      group('Stoa Admins', [dn('IT Ops')]),
      group('Sales', [dn('alice'), dn('erin')], { mail: 'sales@corp.stoa.test', groupType: '2' }),
    ].join('\n'));
    assert.equal((await stoa.admin.post('/api/v1/domains', { name: 'corp.stoa.test' })).status, 201);
    // Accepts TCP and never says a word: an LDAP server that hangs.
    silent = createServer(() => {}).listen(0, '127.0.0.1');
  });
  after(async () => {
    silent?.close();
    await Promise.all([stoa?.close(), dc?.stop()]);
  });

  test('an admin adds the connection; the test says "bind ok, found N users" with sample entries', async () => {
    const created = await stoa.admin.post('/api/v1/directory/connections', settings());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    connectionId = created.body.id;
    assert.equal(created.body.bindPasswordSet, true);
    assert.ok(!JSON.stringify(created.body).includes(ADMIN_PASSWORD), 'the bind password is never shown');
    assert.equal(created.body.mapping.idAttribute, 'objectGUID');
    const result = await stoa.admin.post(`/api/v1/directory/connections/${connectionId}/test`);
    assert.equal(result.status, 200);
    assert.equal(result.body.ok, true, JSON.stringify(result.body));
    assert.match(result.body.steps[0].detail, /^bound to ldaps:/);
    assert.equal(result.body.users, 9);
    // The first five entries in the DC's own order (which differs between provisioned copies), read right.
    const mails: Record<string, string | null> = {
      alice: 'alice@corp.stoa.test', bob: 'bob@corp.stoa.test', carol: null, dup1: 'dup@corp.stoa.test', dup2: 'dup@corp.stoa.test',
      erin: 'erin@corp.stoa.test', frank: 'frank@corp.stoa.test', gary: 'gary@corp.stoa.test', lou: 'lou@corp.stoa.test',
    };
    assert.equal(result.body.samples.length, 5);
    for (const sample of result.body.samples) {
      const cn = /^CN=([^,]+),/i.exec(sample.dn)?.[1] ?? '';
      assert.ok(cn in mails, sample.dn);
      assert.equal(sample.mail, mails[cn], sample.dn);
      assert.equal(sample.disabled, cn === 'bob', sample.dn);
    }
  });

  test('a dry run reports what would be created and skipped, and changes nothing', async () => {
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', { dryRun: true });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.dryRun, true);
    const creates = run.body.changes.filter((c: any) => c.kind === 'create' && c.object === 'account').map((c: any) => c.address).sort();
    assert.deepEqual(creates, ['alice@corp.stoa.test', 'erin@corp.stoa.test', 'frank@corp.stoa.test', 'gary@corp.stoa.test', 'lou@corp.stoa.test']);
    assert.equal((await stoa.admin.get('/api/v1/accounts?domain=corp.stoa.test')).body.total, 0);
  });

  test('a full sync creates accounts, aliases from proxyAddresses and groups; bad entries are skipped with a reason', async () => {
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
    const skip = (address: string) => run.body.changes.find((c: any) => c.kind === 'skip' && c.address === address)?.detail ?? '';
    assert.match(skip('bob@corp.stoa.test'), /disabled/);
    assert.match(skip('dup@corp.stoa.test'), /also the mail of/);
    assert.match(skip('alice@elsewhere.example'), /not served/);
    assert.ok(run.body.changes.some((c: any) => c.kind === 'skip' && c.dn === dn('carol') && /no mail/.test(c.detail)));
    // The admin's log has a line for the run, with what it skipped.
    assert.ok(stoa.logs.some((l) => l.msg === 'directory sync' && l.trigger === 'manual' && l.status === 'ok' && l.counts.skip >= 4), 'a log line for the run');

    const alice = (await stoa.admin.get('/api/v1/accounts/alice@corp.stoa.test')).body;
    assert.equal(alice.displayName, 'Alice Anders');
    assert.equal(alice.source.connectionId, connectionId);
    assert.equal(alice.source.dn, dn('alice'));
    const alias = await stoa.admin.get('/api/v1/aliases/a.anders@corp.stoa.test');
    assert.deepEqual(alias.body.targets, ['alice@corp.stoa.test']);
    assert.equal(alias.body.source.externalId, alice.source.externalId);

    const sales = (await stoa.admin.get('/api/v1/groups/sales@corp.stoa.test')).body;
    assert.equal(sales.kind, 'distribution');
    assert.equal(sales.members.length, 2);
    const audit = await stoa.admin.get(`/api/v1/audit?objectId=${alice.id}`);
    assert.ok(audit.body.items.some((e: any) => e.action === 'create' && e.actor === 'directory:corp'), 'the sync acts under its own name in the audit log');
  });

  test('nested groups grant roles: erin (in IT Ops, inside Stoa Admins) is a server admin, alice is not', async () => {
    assert.equal((await stoa.admin.get('/api/v1/accounts/erin@corp.stoa.test')).body.role, 'server-admin');
    assert.equal((await stoa.admin.get('/api/v1/accounts/alice@corp.stoa.test')).body.role, 'user');
    const erin = await stoa.apiLogin('erin@corp.stoa.test', PW.erin);
    assert.equal(erin.status, 200);
    assert.equal((await erin.api.get('/api/v1/directory/connections')).status, 200);
    const alice = await stoa.apiLogin('alice@corp.stoa.test', PW.alice);
    assert.equal((await alice.api.get('/api/v1/directory/connections')).status, 403);
  });

  test('nested directory groups are sharing targets: a shared mailbox granted to a group opens for the members of its nested groups', async () => {
    // Groups without a mail address come in with one in the served domain: "Stoa Admins" (with "IT Ops" nested in it) becomes stoa-admins@.
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { sync: { groupAddressDomain: 'corp.stoa.test' } })).status, 200);
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
    const admins = (await stoa.admin.get('/api/v1/groups/stoa-admins@corp.stoa.test')).body;
    const itOps = (await stoa.admin.get('/api/v1/groups/it-ops@corp.stoa.test')).body;
    assert.deepEqual(admins.members, [{ kind: 'group', id: itOps.id }], 'the nesting of the directory is kept');
    assert.equal(itOps.source.dn, dn('IT Ops'));

    assert.equal((await stoa.admin.post('/api/v1/shared-mailboxes', { address: 'support@corp.stoa.test', displayName: 'Support' })).status, 201);
    const grant = await stoa.admin.post('/api/v1/shared-mailboxes/support@corp.stoa.test/grants', { grantee: 'stoa-admins@corp.stoa.test', right: 'full-access' });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const erin = await stoa.imapLogin('erin@corp.stoa.test', PW.erin);
    assert.ok(erin.ok);
    assert.equal((await erin.client.mailboxOpen('Other Users/support@corp.stoa.test/INBOX')).path, 'Other Users/support@corp.stoa.test/INBOX');
    const alice = await stoa.imapLogin('alice@corp.stoa.test', PW.alice);
    assert.ok(alice.ok);
    await assert.rejects(alice.client.mailboxOpen('Other Users/support@corp.stoa.test/INBOX'), 'alice is in no group that holds the grant');

    // A calendar shared with the same group shows in erin's calendar home over CalDAV, not in frank's.
    const calendar = await stoa.admin.post('/api/v1/accounts/alice@corp.stoa.test/collections', { kind: 'calendar', uri: 'ops-rota', displayName: 'Ops rota' });
    assert.equal(calendar.status, 201, JSON.stringify(calendar.body));
    const share = await stoa.admin.put(`/api/v1/accounts/alice@corp.stoa.test/collections/${calendar.body.id}/shares/stoa-admins@corp.stoa.test`, { access: 'read' });
    assert.ok(share.status === 200 || share.status === 204, JSON.stringify(share.body));
    const erinHome = await stoa.dav('erin@corp.stoa.test', PW.erin, '/dav/calendars/erin@corp.stoa.test/', '1');
    assert.equal(erinHome.status, 207, erinHome.text);
    assert.match(erinHome.text, /Ops rota/);
    const frankHome = await stoa.dav('frank@corp.stoa.test', PW.frank, '/dav/calendars/frank@corp.stoa.test/', '1');
    assert.equal(frankHome.status, 207, frankHome.text);
    assert.doesNotMatch(frankHome.text, /Ops rota/);
  });

  test('users sign in with their directory password over IMAP, POP3, SMTP submission, the admin API and DAV', async () => {
    const imap = await stoa.imapLogin('alice@corp.stoa.test', PW.alice);
    assert.equal(imap.ok, true, JSON.stringify(stoa.logs.filter((l) => /directory/.test(l.msg))));
    assert.match(await stoa.pop3Login('alice@corp.stoa.test', PW.alice), /^\+OK/);
    const sent = await stoa.submit('alice@corp.stoa.test', PW.alice, 'erin@corp.stoa.test');
    assert.equal(sent.ok, true, sent.response);
    assert.equal((await stoa.apiLogin('alice@corp.stoa.test', PW.alice)).status, 200);
    assert.equal((await stoa.dav('alice@corp.stoa.test', PW.alice)).status, 207);
    // The directory's own login names work too: sAMAccountName, CORP\name and the UPN.
    for (const name of ['alice', 'CORP\\alice', 'alice@corp.stoa.test']) assert.equal((await stoa.imapLogin(name, PW.alice)).ok, true, name);
  });

  test('a wrong password fails everywhere; the admin log says why (AD data 52e), the user only "failed"', async () => {
    const imap = await stoa.imapLogin('alice@corp.stoa.test', 'not-her-password');
    assert.equal(imap.ok, false);
    assert.doesNotMatch(JSON.stringify(imap), /52e|wrong-password/);
    assert.match(await stoa.pop3Login('alice@corp.stoa.test', 'not-her-password'), /^-ERR/);
    assert.equal((await stoa.submit('alice@corp.stoa.test', 'not-her-password', 'erin@corp.stoa.test')).ok, false);
    assert.equal((await stoa.dav('alice@corp.stoa.test', 'not-her-password')).status, 401);
    const api = await stoa.apiLogin('alice@corp.stoa.test', 'not-her-password');
    assert.equal(api.status, 401);
    assert.equal(api.body.code, 'STOA_AUTH_FAILED');
    assert.ok(stoa.logs.some((l) => l.msg === 'directory login refused' && l.account === 'alice@corp.stoa.test' && l.reason === 'wrong-password'));
  });

  test('directory-managed fields are read-only in the admin API; local fields still change', async () => {
    const name = await stoa.admin.patch('/api/v1/accounts/alice@corp.stoa.test', { displayName: 'Mallory' });
    assert.equal(name.status, 409);
    assert.equal(name.body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.put('/api/v1/accounts/alice@corp.stoa.test/password', { password: 'a local password' })).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.put('/api/v1/accounts/erin@corp.stoa.test/role', { role: 'user' })).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.delete('/api/v1/aliases/a.anders@corp.stoa.test')).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.patch('/api/v1/groups/sales@corp.stoa.test', { members: [] })).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.patch('/api/v1/accounts/alice@corp.stoa.test', { quotaBytes: 5_000_000 })).status, 200);
  });

  test('local accounts keep working beside directory accounts', async () => {
    assert.equal((await stoa.admin.post('/api/v1/accounts', { address: 'local@corp.stoa.test', password: 'a local password 1' })).status, 201);
    assert.equal((await stoa.imapLogin('local@corp.stoa.test', 'a local password 1')).ok, true);
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.equal(run.body.status, 'ok');
    assert.equal((await stoa.admin.get('/api/v1/accounts/local@corp.stoa.test')).body.source, null);
  });

  test('a synced account becomes a shared mailbox only once an admin detached it from the directory; the sync then leaves it alone', async () => {
    const gary = (await stoa.admin.get('/api/v1/accounts/gary@corp.stoa.test')).body;
    assert.equal(gary.source.connectionId, connectionId);
    const refused = await stoa.admin.post('/api/v1/accounts/gary@corp.stoa.test/convert-to-shared');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'STOA_DIRECTORY_MANAGED');
    assert.match(refused.body.detail, /detach it first/);
    assert.equal((await stoa.admin.get('/api/v1/accounts/gary@corp.stoa.test')).body.source.externalId, gary.source.externalId, 'still synced');

    assert.equal((await stoa.admin.post(`/api/v1/directory/accounts/${gary.id}/resolve`, { action: 'detach' })).status, 204);
    const converted = await stoa.admin.post('/api/v1/accounts/gary@corp.stoa.test/convert-to-shared');
    assert.equal(converted.status, 200, JSON.stringify(converted.body));
    assert.equal(converted.body.id, gary.id);

    // The entry is still in AD: the sync neither recreates an account over the shared mailbox nor touches it.
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
    const skipped = run.body.changes.find((c: any) => c.dn === dn('gary') && c.object === 'account');
    assert.equal(skipped?.kind, 'skip', JSON.stringify(run.body.changes));
    assert.match(skipped.detail, /belongs to a local shared-mailbox/);
    assert.equal((await stoa.admin.get('/api/v1/accounts/gary@corp.stoa.test')).status, 404);
    assert.equal((await stoa.admin.get('/api/v1/shared-mailboxes/gary@corp.stoa.test')).body.id, gary.id);
    assert.equal((await stoa.imapLogin('gary@corp.stoa.test', PW.gary)).ok, false, 'nobody logs in as a shared mailbox, directory password or not');
  });

  test('LDAP injection in user names matches nobody and reaches no account', async () => {
    for (const name of ['*', 'alice)(sAMAccountName=*', '*)(|(objectClass=*', 'al*', 'alice\u0000', '(&)', '\\2a']) {
      const imap = await stoa.imapLogin(name, PW.alice);
      assert.equal(imap.ok, false, name);
      const api = await stoa.apiLogin(name, PW.alice);
      assert.equal(api.status, 401, name);
    }
  });

  test('disabling a user in AD blocks the next login at once, and the next (incremental) sync disables the account', async () => {
    dc.modify(`dn: ${dn('frank')}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n`);
    assert.equal((await stoa.imapLogin('frank@corp.stoa.test', PW.frank)).ok, false);
    assert.ok(stoa.logs.some((l) => l.msg === 'directory login refused' && l.account === 'frank@corp.stoa.test' && /disabled/.test(l.reason)));
    // DAV remembers a verified Basic credential for dav.authCacheSeconds; frank's from the sharing test is still
    // remembered, so the directory's disable reaches DAV within that time or at the sync below (stillValid).
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', { mode: 'incremental' });
    assert.equal(run.body.mode, 'incremental');
    assert.ok(run.body.changes.some((c: any) => c.kind === 'disable' && c.address === 'frank@corp.stoa.test'), JSON.stringify(run.body));
    assert.equal(run.body.users, 1, 'only the changed entry is read');
    assert.equal((await stoa.admin.get('/api/v1/accounts/frank@corp.stoa.test')).body.enabled, false);
    assert.notEqual((await stoa.dav('frank@corp.stoa.test', PW.frank)).status, 207, 'after the sync, not even a remembered DAV login stands');
  });

  test('an AD lockout (too many wrong passwords) blocks the next login with the right one, says "locked" to the admin only, and is no disable', async () => {
    dc.modify(`dn: ${BASE_DN}\nchangetype: modify\nreplace: lockoutThreshold\nlockoutThreshold: 3\n`);
    try {
      assert.equal((await stoa.imapLogin('lou@corp.stoa.test', PW.lou)).ok, true);
      for (let i = 0; i < 3; i++) assert.equal((await stoa.imapLogin('lou@corp.stoa.test', `wrong ${i}`)).ok, false);
      const locked = await stoa.imapLogin('lou@corp.stoa.test', PW.lou);
      assert.equal(!locked.ok && locked.error, 'AUTHENTICATIONFAILED');
      assert.doesNotMatch(JSON.stringify(locked), /775|locked/i, 'the user is not told why');
      assert.ok(stoa.logs.some((l) => l.msg === 'directory login refused' && l.account === 'lou@corp.stoa.test' && l.reason === 'locked'));
      assert.match(await stoa.pop3Login('lou@corp.stoa.test', PW.lou), /^-ERR/);
      // A lockout lifts by itself and anyone can cause one: the sync does not disable the account (its mail keeps arriving).
      const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
      assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
      assert.ok(!run.body.changes.some((c: any) => c.address === 'lou@corp.stoa.test'), JSON.stringify(run.body.changes));
      assert.equal((await stoa.admin.get('/api/v1/accounts/lou@corp.stoa.test')).body.enabled, true);
      // An administrator unlocks it in AD: the next login passes.
      dc.modify(`dn: ${dn('lou')}\nchangetype: modify\nreplace: lockoutTime\nlockoutTime: 0\n`);
      assert.equal((await stoa.imapLogin('lou@corp.stoa.test', PW.lou)).ok, true);
    } finally {
      dc.modify(`dn: ${BASE_DN}\nchangetype: modify\nreplace: lockoutThreshold\nlockoutThreshold: 0\n`);
    }
  });

  test('a new display name in AD arrives with an incremental sync (uSNChanged)', async () => {
    dc.modify(`dn: ${dn('alice')}\nchangetype: modify\nreplace: displayName\ndisplayName: Alice Anders-Berg\n`);
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', { mode: 'incremental' });
    assert.equal(run.body.status, 'ok');
    assert.equal((await stoa.admin.get('/api/v1/accounts/alice@corp.stoa.test')).body.displayName, 'Alice Anders-Berg');
  });

  test('a user and a group removed from AD are marked missing, never deleted; the admin decides (detach, delete)', async () => {
    dc.remove(dn('frank'));
    dc.remove(dn('Sales'));
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.ok(run.body.changes.some((c: any) => c.kind === 'missing' && c.address === 'frank@corp.stoa.test'));
    const frank = (await stoa.admin.get('/api/v1/accounts/frank@corp.stoa.test')).body;
    assert.ok(frank.source.missingSince, 'marked, still there');
    assert.equal((await stoa.admin.post(`/api/v1/directory/accounts/${frank.id}/resolve`, { action: 'detach' })).status, 204);
    assert.equal((await stoa.admin.get('/api/v1/accounts/frank@corp.stoa.test')).body.source, null);
    assert.ok((await stoa.admin.get('/api/v1/groups/sales@corp.stoa.test')).body.source.missingSince, 'the group is marked, still there');
    assert.equal((await stoa.admin.post('/api/v1/directory/accounts/sales@corp.stoa.test/resolve', { action: 'delete' })).status, 204);
    assert.equal((await stoa.admin.get('/api/v1/groups/sales@corp.stoa.test')).status, 404);
  });

  test('an empty answer (a wrong base DN) changes nothing and says so', async () => {
    const before = (await stoa.admin.get('/api/v1/accounts?domain=corp.stoa.test&limit=100')).body;
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { baseDn: `OU=Empty,${BASE_DN}` })).status, 200);
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.equal(run.body.status, 'failed');
    assert.match(run.body.error, /STOA_DIRECTORY_EMPTY/);
    const after = (await stoa.admin.get('/api/v1/accounts?domain=corp.stoa.test&limit=100')).body;
    assert.deepEqual(after.items.map((a: any) => [a.address, a.enabled, a.source?.missingSince ?? null]), before.items.map((a: any) => [a.address, a.enabled, a.source?.missingSince ?? null]));
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { baseDn: STAFF })).status, 200);
  });

  test('an unreachable first server fails over to the next', async () => {
    const port = (silent.address() as { port: number }).port;
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { servers: ['ldaps://127.0.0.1:1', `ldaps://127.0.0.1:${port}`, dc.url], ...FAST })).status, 200);
    const t = await stoa.admin.post('/api/v1/directory/connections/corp/test');
    assert.equal(t.body.ok, true, JSON.stringify(t.body));
    assert.equal(t.body.server, dc.url);
    assert.equal((await stoa.imapLogin('alice', PW.alice)).ok, true);
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { servers: [dc.url], ...SLOW })).status, 200);
  });

  test('a directory that stops answering: logins fail within the timeout, unless verified recently and the cache is on', async () => {
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { authCacheSeconds: 300, ...FAST })).status, 200);
    assert.equal((await stoa.imapLogin('alice@corp.stoa.test', PW.alice)).ok, true);
    dc.pause();
    try {
      const started = performance.now();
      const erin = await stoa.imapLogin('erin@corp.stoa.test', PW.erin);
      assert.equal(erin.ok, false, 'never verified: no way in');
      assert.equal(!erin.ok && erin.error, 'UNAVAILABLE', 'a temporary failure (RFC 5530), not wrong credentials');
      assert.ok(performance.now() - started < 20_000);
      assert.equal((await stoa.imapLogin('alice@corp.stoa.test', PW.alice)).ok, true, 'verified minutes ago: the cache lets her in');
      const guess = await stoa.imapLogin('alice@corp.stoa.test', 'guess');
      assert.equal(!guess.ok && guess.error, 'AUTHENTICATIONFAILED', 'the cache checks the password');
      assert.ok(stoa.logs.some((l) => l.msg === 'directory unavailable for login' && l.cached === true));
      const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
      assert.equal(run.body.status, 'failed');
      assert.match(run.body.error, /STOA_DIRECTORY_TIMEOUT/);
    } finally {
      dc.resume();
    }
    assert.equal((await stoa.admin.get('/api/v1/accounts/alice@corp.stoa.test')).body.enabled, true, 'an outage changes no account');
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/corp', { authCacheSeconds: 0, ...SLOW })).status, 200);
  });

  test('a wrong bind password or a wrong CA: the test and the sync say which, and nothing changes', async () => {
    await stoa.admin.patch('/api/v1/directory/connections/corp', { bindPassword: 'not the password' });
    const bind = await stoa.admin.post('/api/v1/directory/connections/corp/test');
    assert.equal(bind.body.ok, false);
    assert.match(bind.body.steps[0].detail, /STOA_DIRECTORY_BIND/);
    await stoa.admin.patch('/api/v1/directory/connections/corp', { bindPassword: ADMIN_PASSWORD, tls: { caPem: (await import('node:tls')).rootCertificates[0] } });
    const tls = await stoa.admin.post('/api/v1/directory/connections/corp/test');
    assert.match(tls.body.steps[0].detail, /STOA_DIRECTORY_TLS/);
    const run = await stoa.admin.post('/api/v1/directory/connections/corp/sync', {});
    assert.match(run.body.error, /STOA_DIRECTORY_TLS/);
    // Both reach the admin's log too.
    assert.ok(stoa.logs.some((l) => l.msg === 'directory connection test failed' && l.connection === 'corp' && /STOA_DIRECTORY_BIND/.test(l.detail)));
    assert.ok(stoa.logs.some((l) => l.msg === 'directory sync' && l.level === 40 && l.status === 'failed' && /STOA_DIRECTORY_TLS/.test(l.error)));
    await stoa.admin.patch('/api/v1/directory/connections/corp', { tls: { caPem: dc.caPem } });
    const history = await stoa.admin.get('/api/v1/directory/connections/corp/runs?limit=100');
    assert.ok(history.body.total >= 8);
    assert.equal(history.body.items[0].status, 'failed');
  });
});
