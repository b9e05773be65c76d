// OpenLDAP end to end: Debian's slapd with an RFC 2307 / inetOrgPerson tree
// (test/support/slapd.ts), StartTLS with a pinned CA, the bind password from
// the environment, entryUUID identities, mailAlternateAddress aliases,
// groupOfNames groups, roles through nested groups (walked, as OpenLDAP has
// no IN_CHAIN rule), ppolicy locks, and an expired server certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribute, Change, Client } from 'ldapts';
import { LDAP_ROOT_DN, LDAP_ROOT_PASSWORD, LDAP_SUFFIX, policyEntries, ssha, startSlapd, type Slapd } from '../support/slapd.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { startBoth, startStoa, type Stoa } from './harness.ts';

const people = (uid: string) => `uid=${uid},ou=people,${LDAP_SUFFIX}`;
const groups = (cn: string) => `cn=${cn},ou=groups,${LDAP_SUFFIX}`;
const PW = { dave: 'Dave-0penLDAP!', gina: 'Gina-0penLDAP!', ivy: 'Ivy-0penLDAP!', jo: 'Jo-0penLDAP!', kim: 'Kim-0penLDAP!' };

function person(uid: string, n: number, attrs: Record<string, string | string[]>, password?: string): string {
  const lines = [`dn: ${people(uid)}`, 'objectClass: inetOrgPerson', 'objectClass: posixAccount', 'objectClass: stoaMailRecipient',
    `uid: ${uid}`, `sn: ${uid}`, `uidNumber: ${1000 + n}`, `gidNumber: 1000`, `homeDirectory: /home/${uid}`];
  for (const [k, v] of Object.entries(attrs)) for (const x of [v].flat()) lines.push(`${k}: ${x}`);
  if (password) lines.push(`userPassword: ${ssha(password)}`);
  return `${lines.join('\n')}\n`;
}

const TREE = [
  `dn: ${LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Stoa\ndc: stoa\n`,
  `dn: ou=people,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: people\n`,
  `dn: ou=groups,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n`,
  person('dave', 1, { cn: 'Dave Four', displayName: 'Dave Four', mail: 'dave@ol.stoa.test', mailAlternateAddress: 'd4@ol.stoa.test' }, PW.dave),
  person('gina', 2, { cn: 'Gina Five', mail: 'gina@ol.stoa.test' }, PW.gina),
  person('hank', 3, { cn: 'Hank Nomail' }, 'Hank-0penLDAP!'),
  person('ivy', 4, { cn: 'Ivy Six', mail: 'ivy@ol.stoa.test' }, PW.ivy),
  person('jo', 5, { cn: 'Jo Seven', mail: 'jo@ol.stoa.test' }, PW.jo),
  person('kim', 6, { cn: 'Kim Eight', mail: 'kim@ol.stoa.test' }, PW.kim),
  `dn: ${groups('helpdesk')}\nobjectClass: groupOfNames\ncn: helpdesk\nmember: ${people('gina')}\n`,
  `dn: ${groups('mail-admins')}\nobjectClass: groupOfNames\ncn: mail-admins\nmember: ${groups('helpdesk')}\n`,
  `dn: ${groups('team')}\nobjectClass: groupOfNames\nobjectClass: stoaMailRecipient\ncn: team\nmail: team@ol.stoa.test\nmember: ${people('dave')}\nmember: ${people('gina')}\n`,
  // Three wrong passwords lock an account for ten minutes (slapo-ppolicy pwdLockout).
  policyEntries(3, 600),
].join('\n');

describe('OpenLDAP (slapd, RFC 2307 / inetOrgPerson): sync, logins, nested-group roles, locks, certificates', { timeout: 300_000 }, () => {
  let slapd: Slapd;
  let stoa: Stoa;

  const asRoot = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url: slapd.ldapUrl });
    await client.startTLS({ ca: slapd.ca.pem, host: slapd.ip });
    await client.bind(LDAP_ROOT_DN, LDAP_ROOT_PASSWORD);
    try {
      return await fn(client);
    } finally {
      await client.unbind();
    }
  };

  before(async () => {
    process.env.STOA_TEST_SLAPD_BIND = LDAP_ROOT_PASSWORD;
    await startBoth(startSlapd(TREE), startStoa(), (d, s) => { slapd = d!; stoa = s!; });
    assert.equal((await stoa.admin.post('/api/v1/domains', { name: 'ol.stoa.test' })).status, 201);
  });
  after(async () => {
    await Promise.all([stoa?.close(), slapd?.stop()]);
  });

  test('a plain ldap:// connection without StartTLS is refused: passwords would travel in clear text', async () => {
    const res = await stoa.admin.post('/api/v1/directory/connections', {
      name: 'clear', kind: 'openldap', servers: [slapd.ldapUrl], bindDn: LDAP_ROOT_DN, bindPasswordEnv: 'STOA_TEST_SLAPD_BIND', baseDn: LDAP_SUFFIX,
    });
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /clear text/);
  });

  test('a sync over StartTLS (pinned CA, password from the environment) brings users, aliases, groups and roles', async () => {
    const created = await stoa.admin.post('/api/v1/directory/connections', {
      name: 'ol', kind: 'openldap', servers: [slapd.ldapUrl], tls: { startTls: true, caPem: slapd.ca.pem },
      bindDn: LDAP_ROOT_DN, bindPasswordEnv: 'STOA_TEST_SLAPD_BIND', baseDn: `ou=people,${LDAP_SUFFIX}`, groupBaseDn: `ou=groups,${LDAP_SUFFIX}`,
      roleMappings: [{ group: groups('mail-admins'), role: 'domain-admin', domains: ['ol.stoa.test'] }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.bindPasswordSet, false);
    assert.equal(created.body.mapping.idAttribute, 'entryUUID');
    const dry = await stoa.admin.post('/api/v1/directory/connections/ol/sync', { dryRun: true });
    assert.equal(dry.body.dryRun, true);
    assert.deepEqual(dry.body.changes.filter((c: any) => c.kind === 'create' && c.object === 'account').map((c: any) => c.address).sort(),
      ['dave@ol.stoa.test', 'gina@ol.stoa.test', 'ivy@ol.stoa.test', 'jo@ol.stoa.test', 'kim@ol.stoa.test']);
    assert.equal((await stoa.admin.get('/api/v1/accounts?domain=ol.stoa.test')).body.total, 0, 'a dry run changes nothing');
    const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', {});
    assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
    assert.deepEqual(run.body.changes.filter((c: any) => c.kind === 'create' && c.object === 'account').map((c: any) => c.address).sort(),
      ['dave@ol.stoa.test', 'gina@ol.stoa.test', 'ivy@ol.stoa.test', 'jo@ol.stoa.test', 'kim@ol.stoa.test']);
    assert.ok(run.body.changes.some((c: any) => c.kind === 'skip' && c.dn === people('hank')));
    assert.deepEqual((await stoa.admin.get('/api/v1/aliases/d4@ol.stoa.test')).body.targets, ['dave@ol.stoa.test']);
    const team = (await stoa.admin.get('/api/v1/groups/team@ol.stoa.test')).body;
    assert.equal(team.members.length, 2);
    const gina = (await stoa.admin.get('/api/v1/accounts/gina@ol.stoa.test')).body;
    assert.equal(gina.role, 'domain-admin', 'member of helpdesk, which is a member of mail-admins');
    assert.equal((await stoa.admin.get('/api/v1/accounts/dave@ol.stoa.test')).body.role, 'user');
    assert.equal((await stoa.admin.get('/api/v1/accounts/dave@ol.stoa.test')).body.displayName, 'Dave Four');
  });

  test('users sign in with their directory password (by address or uid); a domain admin from the directory administers its domain', async () => {
    assert.equal((await stoa.imapLogin('dave@ol.stoa.test', PW.dave)).ok, true);
    assert.equal((await stoa.imapLogin('dave', PW.dave)).ok, true);
    assert.match(await stoa.pop3Login('gina@ol.stoa.test', PW.gina), /^\+OK/);
    assert.equal((await stoa.submit('dave@ol.stoa.test', PW.dave, 'gina@ol.stoa.test')).ok, true);
    assert.equal((await stoa.dav('dave@ol.stoa.test', PW.dave)).status, 207);
    assert.equal((await stoa.imapLogin('dave@ol.stoa.test', PW.gina)).ok, false);
    assert.equal((await stoa.imapLogin('*', PW.dave)).ok, false);
    const gina = await stoa.apiLogin('gina@ol.stoa.test', PW.gina);
    assert.equal(gina.status, 200);
    assert.equal((await gina.api.get('/api/v1/accounts?domain=ol.stoa.test')).body.total, 5);
  });

  test('a wrong password fails on every protocol; the admin log has the reason, the user only "failed"', async () => {
    // Under the three-failure lockout policy, a good login between every two failures clears the count (pwdFailureTime).
    const imap = await stoa.imapLogin('gina@ol.stoa.test', 'not-her-password');
    assert.equal(!imap.ok && imap.error, 'AUTHENTICATIONFAILED');
    assert.match(await stoa.pop3Login('gina@ol.stoa.test', 'not-her-password'), /^-ERR/);
    assert.equal((await stoa.imapLogin('gina@ol.stoa.test', PW.gina)).ok, true);
    assert.equal((await stoa.submit('gina@ol.stoa.test', 'not-her-password', 'dave@ol.stoa.test')).ok, false);
    assert.equal((await stoa.dav('gina@ol.stoa.test', 'not-her-password')).status, 401);
    assert.equal((await stoa.imapLogin('gina@ol.stoa.test', PW.gina)).ok, true);
    const api = await stoa.apiLogin('gina@ol.stoa.test', 'not-her-password');
    assert.equal(api.status, 401);
    assert.equal(api.body.code, 'STOA_AUTH_FAILED');
    assert.ok(stoa.logs.some((l) => l.msg === 'directory login refused' && l.account === 'gina@ol.stoa.test' && l.reason === 'invalid-credentials'));
    assert.equal((await stoa.imapLogin('gina@ol.stoa.test', PW.gina)).ok, true);
  });

  test('directory-managed fields are read-only in the admin API; local fields still change', async () => {
    const name = await stoa.admin.patch('/api/v1/accounts/dave@ol.stoa.test', { displayName: 'Mallory' });
    assert.equal(name.status, 409);
    assert.equal(name.body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.put('/api/v1/accounts/dave@ol.stoa.test/password', { password: 'a local password' })).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.put('/api/v1/accounts/gina@ol.stoa.test/role', { role: 'user' })).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.delete('/api/v1/aliases/d4@ol.stoa.test')).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.patch('/api/v1/groups/team@ol.stoa.test', { members: [] })).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.post('/api/v1/accounts/dave@ol.stoa.test/convert-to-shared')).body.code, 'STOA_DIRECTORY_MANAGED');
    assert.equal((await stoa.admin.patch('/api/v1/accounts/dave@ol.stoa.test', { quotaBytes: 5_000_000 })).status, 200);
  });

  test('LDAP injection in user names matches nobody and reaches no account', async () => {
    for (const name of ['*', 'dave)(uid=*', '*)(|(objectClass=*', 'da*', 'dave\u0000', '(&)', '\\2a']) {
      assert.equal((await stoa.imapLogin(name, PW.dave)).ok, false, name);
      assert.equal((await stoa.apiLogin(name, PW.dave)).status, 401, name);
    }
  });

  test('a ppolicy lock blocks the next login, and the next incremental sync (modifyTimestamp) disables the account and ends its open IMAP session', async () => {
    const session = await stoa.imapLogin('ivy@ol.stoa.test', PW.ivy);
    assert.ok(session.ok);
    const ended = new Promise<void>((resolve) => session.client.once('close', () => resolve()));
    await asRoot((c) => c.modify(people('ivy'), new Change({ operation: 'add', modification: new Attribute({ type: 'pwdAccountLockedTime', values: ['000001010000Z'] }) })));
    assert.equal((await stoa.imapLogin('ivy@ol.stoa.test', PW.ivy)).ok, false);
    assert.ok(stoa.logs.some((l) => l.msg === 'directory login refused' && l.account === 'ivy@ol.stoa.test' && /disabled/.test(l.reason)));
    const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', { mode: 'incremental' });
    assert.equal(run.body.mode, 'incremental');
    assert.ok(run.body.changes.some((c: any) => c.kind === 'disable' && c.address === 'ivy@ol.stoa.test'), JSON.stringify(run.body));
    assert.equal((await stoa.admin.get('/api/v1/accounts/ivy@ol.stoa.test')).body.enabled, false);
    // The sync disables through the account service, whose event ends the session on this node at once.
    await ended;
  });

  test('a temporary lockout (ppolicy, three wrong passwords) blocks the login with the right one while it lasts; the sync leaves the account enabled', async () => {
    assert.equal((await stoa.imapLogin('jo@ol.stoa.test', PW.jo)).ok, true);
    for (let i = 0; i < 3; i++) assert.equal((await stoa.imapLogin('jo@ol.stoa.test', `wrong ${i}`)).ok, false);
    const locked = await stoa.imapLogin('jo@ol.stoa.test', PW.jo);
    assert.equal(!locked.ok && locked.error, 'AUTHENTICATIONFAILED', 'slapd refuses the bind of a locked account');
    const entry = await asRoot((c) => c.search(people('jo'), { scope: 'base', attributes: ['pwdAccountLockedTime'] }));
    assert.match(String(entry.searchEntries[0].pwdAccountLockedTime), /^\d{14}Z$/, 'locked at a time, not for good');
    // Anyone can cause a lockout and it lifts by itself: no disable (the account's mail keeps arriving).
    const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', {});
    assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
    assert.ok(!run.body.changes.some((c: any) => c.address === 'jo@ol.stoa.test'), JSON.stringify(run.body.changes));
    assert.equal((await stoa.admin.get('/api/v1/accounts/jo@ol.stoa.test')).body.enabled, true);
    // An administrator unlocks it: the next login passes.
    await asRoot((c) => c.modify(people('jo'), new Change({ operation: 'delete', modification: new Attribute({ type: 'pwdAccountLockedTime', values: [] }) })));
    assert.equal((await stoa.imapLogin('jo@ol.stoa.test', PW.jo)).ok, true);
  });

  test('an added mailAlternateAddress and a new group member arrive with an incremental sync', async () => {
    await asRoot(async (c) => {
      await c.modify(people('gina'), new Change({ operation: 'add', modification: new Attribute({ type: 'mailAlternateAddress', values: ['g5@ol.stoa.test'] }) }));
      await c.modify(groups('team'), new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [people('ivy')] }) }));
    });
    const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', { mode: 'incremental' });
    assert.equal(run.body.status, 'ok', JSON.stringify(run.body));
    assert.deepEqual((await stoa.admin.get('/api/v1/aliases/g5@ol.stoa.test')).body.targets, ['gina@ol.stoa.test']);
    assert.equal((await stoa.admin.get('/api/v1/groups/team@ol.stoa.test')).body.members.length, 3);
  });

  test('a user removed from the directory is marked missing, never deleted; the admin decides', async () => {
    await asRoot((c) => c.del(people('kim')));
    const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', {});
    assert.ok(run.body.changes.some((c: any) => c.kind === 'missing' && c.address === 'kim@ol.stoa.test'), JSON.stringify(run.body.changes));
    const kim = (await stoa.admin.get('/api/v1/accounts/kim@ol.stoa.test')).body;
    assert.ok(kim.source.missingSince, 'marked, still there');
    assert.equal((await stoa.imapLogin('kim@ol.stoa.test', PW.kim)).ok, false);
    assert.equal((await stoa.admin.post(`/api/v1/directory/accounts/${kim.id}/resolve`, { action: 'delete' })).status, 204);
    assert.equal((await stoa.admin.get('/api/v1/accounts/kim@ol.stoa.test')).status, 404);
  });

  test('an empty answer (a base DN with no users) changes nothing and says so', async () => {
    const before = (await stoa.admin.get('/api/v1/accounts?domain=ol.stoa.test&limit=100')).body;
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/ol', { baseDn: `ou=groups,${LDAP_SUFFIX}` })).status, 200);
    try {
      const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', {});
      assert.equal(run.body.status, 'failed');
      assert.match(run.body.error, /STOA_DIRECTORY_EMPTY/);
    } finally {
      assert.equal((await stoa.admin.patch('/api/v1/directory/connections/ol', { baseDn: `ou=people,${LDAP_SUFFIX}` })).status, 200);
    }
    const after = (await stoa.admin.get('/api/v1/accounts?domain=ol.stoa.test&limit=100')).body;
    assert.deepEqual(after.items.map((a: any) => [a.address, a.enabled, a.source?.missingSince ?? null]), before.items.map((a: any) => [a.address, a.enabled, a.source?.missingSince ?? null]));
  });

  test('a wrong bind password in the environment: the test and the sync say so, and nothing changes', async () => {
    process.env.STOA_TEST_SLAPD_BIND = 'not the password';
    try {
      const result = await stoa.admin.post('/api/v1/directory/connections/ol/test');
      assert.equal(result.body.ok, false);
      assert.match(result.body.steps[0].detail, /STOA_DIRECTORY_BIND/);
      const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', {});
      assert.equal(run.body.status, 'failed');
      assert.match(run.body.error, /STOA_DIRECTORY_BIND/);
      assert.ok(stoa.logs.some((l) => l.msg === 'directory connection test failed' && l.connection === 'ol' && /STOA_DIRECTORY_BIND/.test(l.detail)));
      assert.ok(stoa.logs.some((l) => l.msg === 'directory sync' && l.status === 'failed' && /STOA_DIRECTORY_BIND/.test(l.error)));
    } finally {
      process.env.STOA_TEST_SLAPD_BIND = LDAP_ROOT_PASSWORD;
    }
    assert.equal((await stoa.admin.post('/api/v1/directory/connections/ol/test')).body.ok, true);
  });

  test('a directory that stops answering: logins get a temporary failure within the timeout, the sync fails and changes nothing', async () => {
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/ol', { connectTimeoutMs: 2000, timeoutMs: 3000 })).status, 200);
    slapd.pause();
    try {
      const dave = await stoa.imapLogin('dave@ol.stoa.test', PW.dave);
      assert.equal(!dave.ok && dave.error, 'UNAVAILABLE', 'a temporary failure (RFC 5530), not wrong credentials');
      assert.match(await stoa.pop3Login('dave@ol.stoa.test', PW.dave), /^-ERR \[SYS\/TEMP\]/);
      const run = await stoa.admin.post('/api/v1/directory/connections/ol/sync', {});
      assert.equal(run.body.status, 'failed');
      assert.match(run.body.error, /STOA_DIRECTORY_TIMEOUT/);
    } finally {
      slapd.resume();
    }
    assert.equal((await stoa.admin.patch('/api/v1/directory/connections/ol', { connectTimeoutMs: 10_000, timeoutMs: 20_000 })).status, 200);
    assert.equal((await stoa.admin.get('/api/v1/accounts/dave@ol.stoa.test')).body.enabled, true, 'an outage changes no account');
    assert.equal((await stoa.imapLogin('dave@ol.stoa.test', PW.dave)).ok, true);
  });

  test('an expired server certificate is refused with a clear reason', async () => {
    const expired = await startSlapd(TREE, { expiredCert: true });
    try {
      const created = await stoa.admin.post('/api/v1/directory/connections', {
        name: 'expired', kind: 'openldap', servers: [expired.url], tls: { caPem: expired.ca.pem },
        bindDn: LDAP_ROOT_DN, bindPasswordEnv: 'STOA_TEST_SLAPD_BIND', baseDn: LDAP_SUFFIX, sync: { enabled: false },
      });
      assert.equal(created.status, 201);
      const result = await stoa.admin.post('/api/v1/directory/connections/expired/test');
      assert.equal(result.body.ok, false);
      assert.match(result.body.steps[0].detail, /STOA_DIRECTORY_TLS.*CERT_HAS_EXPIRED/);
      assert.equal((await stoa.admin.delete('/api/v1/directory/connections/expired')).status, 204);
    } finally {
      await expired.stop();
    }
  });

  test('a connection that accounts are linked to cannot be removed', async () => {
    const res = await stoa.admin.delete('/api/v1/directory/connections/ol');
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'STOA_CONFLICT');
  });

  test('directory logins reuse pooled service connections; ones the directory dropped, or opened with old settings, are replaced', async () => {
    // Every connection to slapd now passes through a relay on slapd's own address (its certificate names it) that counts them.
    const proxy = await startTcpProxy(slapd.ip, Number(new URL(slapd.ldapUrl).port));
    try {
      assert.equal((await stoa.admin.patch('/api/v1/directory/connections/ol', { servers: [`ldap://${slapd.ip}:${proxy.port}`] })).status, 200);
      const logins = async (n: number, atOnce: number) => {
        let next = 0;
        await Promise.all(Array.from({ length: atOnce }, async () => {
          while (next < n) {
            next++;
            const r = await stoa.imapLogin('dave@ol.stoa.test', PW.dave);
            assert.ok(r.ok, r.ok ? '' : r.response);
            await r.client.logout();
          }
        }));
      };
      await logins(12, 8);
      const size = stoa.config.directory.loginPool.size;
      assert.ok(proxy.accepted >= 1 && proxy.accepted <= size, `12 logins, 8 at a time, opened ${proxy.accepted} connections (pool of ${size})`);

      // The directory closes them all (a restart, its idle limit): the next login still passes, on a new connection.
      const before = proxy.accepted;
      proxy.dropAll();
      await logins(1, 1);
      assert.ok(proxy.accepted > before, 'a new connection was opened');

      // A changed setting: the pooled connections are not reused.
      const opened = proxy.accepted;
      assert.equal((await stoa.admin.patch('/api/v1/directory/connections/ol', { timeoutMs: 25_000 })).status, 200);
      await logins(1, 1);
      assert.equal(proxy.accepted, opened + 1);
      // And a wrong password on a pooled connection is still refused, and the connection stays usable.
      assert.equal((await stoa.imapLogin('dave@ol.stoa.test', PW.gina)).ok, false);
      await logins(1, 1);
      assert.equal(proxy.accepted, opened + 1, 'the connection the refused bind used is bound back as the service account and reused');
    } finally {
      await stoa.admin.patch('/api/v1/directory/connections/ol', { servers: [slapd.ldapUrl] });
      await proxy.close();
    }
  });
});
