import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bootstrapFirstStart } from '../../server/src/directory/bootstrap.ts';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { openHarness } from './harness.ts';

describe('first start', () => {
  it('creates the operator and the demo domain once, with generated passwords that work', async () => {
    const h = await openHarness();
    try {
      const first = await bootstrapFirstStart(h.store, h.directory, h.config);
      assert.equal(first.created, true);
      assert.equal(first.admin!.login, 'admin');
      assert.match(first.admin!.generatedPassword!, /^[A-Za-z0-9_-]{24}$/);
      assert.equal(first.demo!.domain, 'demo.stoa.test');
      assert.deepEqual(first.demo!.users.map((u) => u.login), ['alice@demo.stoa.test', 'bob@demo.stoa.test']);
      assert.notEqual(first.demo!.users[0].generatedPassword, first.demo!.users[1].generatedPassword);

      const admin = await h.directory.auth.authenticate({ username: 'admin', password: first.admin!.generatedPassword!, protocol: 'api', ip: null });
      assert.ok(admin.ok && admin.account.role === 'server-admin' && admin.account.domainId === null);
      for (const user of first.demo!.users) {
        assert.ok((await h.directory.auth.authenticate({ username: user.login, password: user.generatedPassword!, protocol: 'imap', ip: null })).ok);
      }
      const audit = await h.store.audit.list({ offset: 0, limit: 50, sort: 'at', order: 'desc', scope: null });
      assert.equal(audit.total, 4);
      assert.ok(audit.items.every((e) => e.actor === 'system' && e.actorId === null));

      const again = await bootstrapFirstStart(h.store, h.directory, h.config);
      assert.deepEqual(again, { created: false, admin: null, demo: null });
      assert.equal((await h.store.audit.list({ offset: 0, limit: 50, sort: 'at', order: 'desc', scope: null })).total, 4);
    } finally {
      await h.close();
    }
  });

  it('uses configured passwords and login, and can skip the demo', async () => {
    const h = await openHarness((c) => {
      c.firstStart.adminLogin = 'Root';
      c.firstStart.adminPassword = 'configured-admin-pw';
      c.firstStart.demo.enabled = false;
    });
    try {
      const first = await bootstrapFirstStart(h.store, h.directory, h.config);
      assert.deepEqual(first, { created: true, admin: { login: 'root', generatedPassword: null }, demo: null });
      assert.ok((await h.directory.auth.authenticate({ username: 'root', password: 'configured-admin-pw', protocol: 'cli', ip: null })).ok);
      assert.equal(await h.store.domains.count(), 0);
    } finally {
      await h.close();
    }
  });

  it('gives both demo users the configured demo password', async () => {
    const h = await openHarness((c) => { c.firstStart.demo.password = 'demo-password-1'; });
    try {
      const first = await bootstrapFirstStart(h.store, h.directory, h.config);
      assert.deepEqual(first.demo!.users.map((u) => u.generatedPassword), [null, null]);
      assert.ok((await h.directory.auth.authenticate({ username: 'bob@demo.stoa.test', password: 'demo-password-1', protocol: 'pop3', ip: null })).ok);
    } finally {
      await h.close();
    }
  });

  it('works with the real default argon2 parameters', async () => {
    const h = await openHarness((c) => { c.auth.argon2 = defaultConfig().auth.argon2; c.firstStart.demo.enabled = false; });
    try {
      const first = await bootstrapFirstStart(h.store, h.directory, h.config);
      const record = await h.store.accounts.getByAddress('admin');
      assert.match(record!.passwordHash!, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.ok((await h.directory.auth.authenticate({ username: 'admin', password: first.admin!.generatedPassword!, protocol: 'api', ip: '192.0.2.1' })).ok);
    } finally {
      await h.close();
    }
  });

  it('refuses operator accounts from anyone but the system or the CLI', async () => {
    const h = await openHarness();
    try {
      const first = await bootstrapFirstStart(h.store, h.directory, h.config);
      const admin = (await h.directory.accounts.get(h.system, 'admin'));
      const actor = h.directory.actorFor(admin, '192.0.2.1');
      await assert.rejects(h.directory.operators.create(actor, { login: 'ops', password: 'ops-password-1' }), { code: 'STOA_FORBIDDEN' });
      assert.ok(first.created);
    } finally {
      await h.close();
    }
  });
});
