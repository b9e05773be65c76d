// Directory rules of issue 16 through the services, as every front end
// reaches them: homoglyph names (item 11), alias targets that do not reveal
// other tenants' addresses (item 10), the throttled share-target lookups
// behind IMAP SETACL (item 10), the default quota of new accounts (item 15)
// and bulk import (item 18).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, openHarness, PASSWORD, seedWorld, type Harness, type World } from './harness.ts';

describe('directory hardening', () => {
  let h: Harness;
  let w: World;
  before(async () => {
    h = await openHarness((c) => { c.mail.acl.lookupMissesPerHour = 3; });
    w = await seedWorld(h);
  });
  after(async () => h.close());

  describe('names that mix scripts (item 11)', () => {
    it('every kind of new name is refused, for a domain admin and a server admin alike', async () => {
      const d = h.directory;
      for (const actor of [w.aAdminActor, w.adminActor]) {
        assert.equal(await codeOf(d.accounts.create(actor, { address: 'pаypal@a.example' })), 'STOA_MIXED_SCRIPT');
        assert.equal(await codeOf(d.groups.create(actor, { address: 'аdmins@a.example' })), 'STOA_MIXED_SCRIPT');
        assert.equal(await codeOf(d.aliases.create(actor, { address: 'suppοrt@a.example', targets: ['alice@a.example'] })), 'STOA_MIXED_SCRIPT');
        assert.equal(await codeOf(d.resources.create(actor, { address: 'rооm@a.example', name: 'Room', kind: 'room' })), 'STOA_MIXED_SCRIPT');
        assert.equal(await codeOf(d.sharedMailboxes.create(actor, { address: 'sаles@a.example' })), 'STOA_MIXED_SCRIPT');
      }
      assert.equal(await codeOf(d.domains.create(w.adminActor, { name: 'аpple.example' })), 'STOA_MIXED_SCRIPT');
      assert.equal(await codeOf(d.domains.get(w.adminActor, 'аpple.example')), 'STOA_NOT_FOUND');
    });

    it('names in one script pass, and only a server admin may create a mixed one on purpose', async () => {
      const d = h.directory;
      assert.equal((await d.accounts.create(w.aAdminActor, { address: 'jürgen@a.example' })).address, 'jürgen@a.example');
      assert.equal((await d.domains.create(w.adminActor, { name: 'пример.example' })).name, 'xn--e1afmkfd.example');
      assert.equal(await codeOf(d.accounts.create(w.aAdminActor, { address: 'pаypal@a.example', allowMixedScript: true })), 'STOA_FORBIDDEN');
      assert.equal(await codeOf(d.accounts.create(w.aAdminActor, { address: 'plain@a.example', allowMixedScript: true })), 'STOA_FORBIDDEN');
      const allowed = await d.accounts.create(w.adminActor, { address: 'pаypal@a.example', allowMixedScript: true });
      assert.equal(allowed.address, 'pаypal@a.example');
      assert.equal('allowMixedScript' in allowed, false, 'the flag is not stored');
    });
  });

  describe('alias targets (item 10)', () => {
    it('a domain admin gets the same answer for another tenant\'s existing and missing addresses', async () => {
      const d = h.directory;
      const existing = await d.aliases.create(w.aAdminActor, { address: 'to-carol@a.example', targets: ['carol@b.example'] });
      const missing = await d.aliases.create(w.aAdminActor, { address: 'to-nobody@a.example', targets: ['nobody@b.example'] });
      assert.deepEqual([existing.targets, missing.targets], [['carol@b.example'], ['nobody@b.example']]);
      assert.equal(await codeOf(d.aliases.update(w.aAdminActor, 'to-carol@a.example', { targets: ['nobody2@b.example'] })), 'resolved');
    });

    it('in the admin\'s own domains, and for a server admin everywhere, a missing target is still refused', async () => {
      const d = h.directory;
      assert.equal(await codeOf(d.aliases.create(w.aAdminActor, { address: 'typo@a.example', targets: ['alcie@a.example'] })), 'STOA_INVALID_REFERENCE');
      assert.equal(await codeOf(d.aliases.create(w.adminActor, { address: 'typo2@a.example', targets: ['nobody@b.example'] })), 'STOA_INVALID_REFERENCE');
    });
  });

  describe('share targets behind IMAP SETACL (item 10)', () => {
    it('a user may name accounts and groups of their own domain only; unknown names are throttled per hour', async () => {
      const st = h.directory.shareTargets;
      await h.directory.groups.create(w.adminActor, { address: 'staff@a.example' });
      await h.directory.groups.create(w.adminActor, { address: 'staff@b.example' });
      assert.deepEqual(await st.find(w.aliceActor, 'bob@a.example'), { kind: 'account', id: w.bob.id });
      assert.equal((await st.find(w.aliceActor, '$staff@a.example'))?.kind, 'group');
      assert.equal(await st.find(w.aliceActor, 'carol@b.example'), null);
      assert.equal(await st.find(w.aliceActor, '$staff@b.example'), null);
      assert.equal(await st.find(w.aliceActor, w.bob.id), null, 'internal ids are no identifiers');
      assert.equal(await codeOf(st.find(w.aliceActor, 'bob@a.example')), 'STOA_RATE_LIMITED');
      // Another user has their own allowance; the hour ends.
      const bobActor = h.directory.actorFor(w.bob, '192.0.2.9');
      assert.deepEqual(await st.find(bobActor, 'alice@a.example'), { kind: 'account', id: w.alice.id });
      h.advance(3_600_000);
      assert.deepEqual(await st.find(w.aliceActor, 'bob@a.example'), { kind: 'account', id: w.bob.id });
      // Operators share nothing; the server itself names anyone.
      assert.equal(await st.find(w.adminActor, 'alice@a.example'), null);
      assert.deepEqual(await st.find(h.system, 'carol@b.example'), { kind: 'account', id: w.carol.id });
    });
  });

  describe('default quota of new accounts (item 15)', () => {
    it('a new domain takes directory.defaultQuotaBytes, its accounts take the domain\'s, and each can be changed', async () => {
      const d = h.directory;
      assert.equal(h.config.directory.defaultQuotaBytes, 10 * 1024 ** 3);
      const plain = await d.domains.create(w.adminActor, { name: 'quota.example' });
      assert.deepEqual([plain.defaultQuotaBytes, plain.defaultQuotaMessages], [10 * 1024 ** 3, 0]);
      assert.equal((await d.accounts.create(w.adminActor, { address: 'q1@quota.example' })).quotaBytes, 10 * 1024 ** 3);
      const own = await d.domains.create(w.adminActor, { name: 'small.example', defaultQuotaBytes: 500 * 1024 ** 2, defaultQuotaMessages: 1000 });
      const small = await d.accounts.create(w.adminActor, { address: 'q2@small.example' });
      assert.deepEqual([small.quotaBytes, small.quotaMessages], [own.defaultQuotaBytes, 1000]);
      assert.equal((await d.accounts.create(w.adminActor, { address: 'q3@small.example', quotaBytes: 0 })).quotaBytes, 0, 'explicitly unlimited');
      await d.domains.update(w.adminActor, 'small.example', { defaultQuotaBytes: 1024 ** 3 });
      assert.equal((await d.accounts.create(w.adminActor, { address: 'q4@small.example' })).quotaBytes, 1024 ** 3);
    });

    it('a server configured without a default keeps new domains unlimited', async () => {
      const other = await openHarness((c) => { c.directory.defaultQuotaBytes = 0; });
      try {
        const { adminActor } = await seedWorld(other);
        assert.equal((await other.directory.domains.create(adminActor, { name: 'free.example' })).defaultQuotaBytes, 0);
      } finally {
        await other.close();
      }
    });
  });

  describe('bulk import (item 18)', () => {
    it('a domain admin imports into their domains only; a user not at all; a dry run writes nothing', async () => {
      const d = h.directory;
      const rows = [{ address: 'i1@a.example', password: PASSWORD }, { address: 'i2@b.example' }];
      const dry = await d.accounts.importMany(w.aAdminActor, rows, { dryRun: true });
      assert.deepEqual(dry.valid.map((v) => v.address), ['i1@a.example']);
      assert.deepEqual(dry.errors.map((e) => [e.index, e.code]), [[1, 'STOA_FORBIDDEN']]);
      const real = await d.accounts.importMany(w.aAdminActor, rows, { dryRun: false });
      assert.deepEqual(real.created, [], 'all or none');
      assert.equal(await codeOf(d.accounts.get(w.adminActor, 'i1@a.example')), 'STOA_NOT_FOUND');
      assert.equal(await codeOf(d.accounts.importMany(w.aliceActor, rows.slice(0, 1), { dryRun: true })), 'STOA_FORBIDDEN');
      const ok = await d.accounts.importMany(w.aAdminActor, rows.slice(0, 1), { dryRun: false });
      assert.deepEqual(ok.created.map((a) => a.address), ['i1@a.example']);
      assert.equal((await d.accounts.get(w.adminActor, 'i1@a.example')).quotaBytes, w.a.defaultQuotaBytes);
    });
  });
});
