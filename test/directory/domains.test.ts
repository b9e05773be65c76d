import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, openHarness, seedWorld, type Harness, type World } from './harness.ts';

describe('domains over SQLite', () => {
  let h: Harness;
  let w: World;
  before(async () => { h = await openHarness(); w = await seedWorld(h); });
  after(async () => h.close());

  it('stores an IDN domain in ASCII and shows it in Unicode, found by either name', async () => {
    const d = h.directory.domains;
    const created = await d.create(w.adminActor, { name: 'Bücher.Example' });
    assert.equal(created.name, 'xn--bcher-kva.example');
    assert.equal(created.unicodeName, 'bücher.example');
    assert.equal((await d.get(w.adminActor, 'bücher.example')).id, created.id);
    assert.equal((await d.get(w.adminActor, 'XN--BCHER-KVA.example')).id, created.id);
    assert.equal((await d.get(w.adminActor, created.id)).name, created.name);
  });

  it('refuses invalid and duplicate names', async () => {
    assert.equal(await codeOf(h.directory.domains.create(w.adminActor, { name: 'bad_name.example' })), 'STOA_INVALID_DOMAIN');
    assert.equal(await codeOf(h.directory.domains.create(w.adminActor, { name: 'A.EXAMPLE' })), 'STOA_DOMAIN_EXISTS');
  });

  it('creates alias domains only for existing, non-alias targets', async () => {
    const d = h.directory.domains;
    const alias = await d.create(w.adminActor, { name: 'a-alias.example', aliasOf: 'a.example' });
    assert.equal(alias.aliasOf, w.a.id);
    assert.equal(await codeOf(d.create(w.adminActor, { name: 'x.example', aliasOf: 'missing.example' })), 'STOA_UNKNOWN_DOMAIN');
    assert.equal(await codeOf(d.create(w.adminActor, { name: 'y.example', aliasOf: 'a-alias.example' })), 'STOA_ALIAS_DOMAIN');
    assert.equal(await codeOf(d.create(w.adminActor, { name: 'z.example', aliasOf: 'z.example' })), 'STOA_ALIAS_DOMAIN');
  });

  it('refuses to delete a domain that still has objects or alias domains', async () => {
    const d = h.directory.domains;
    await d.create(w.adminActor, { name: 'empty.example' });
    await d.create(w.adminActor, { name: 'empty-alias.example', aliasOf: 'empty.example' });
    assert.equal(await codeOf(d.delete(w.adminActor, 'empty.example')), 'STOA_DOMAIN_HAS_ALIASES');
    await d.delete(w.adminActor, 'empty-alias.example');
    await d.delete(w.adminActor, 'empty.example');
    assert.equal(await codeOf(d.delete(w.adminActor, 'a.example')), 'STOA_DOMAIN_NOT_EMPTY');
  });

  it('updates settings and audits only what changed', async () => {
    const updated = await h.directory.domains.update(w.adminActor, 'b.example', { description: 'Branch office', defaultQuotaBytes: 5 });
    assert.equal(updated.description, 'Branch office');
    const [entry] = (await h.directory.audit.list(w.adminActor, { objectId: w.b.id, objectType: 'domain' })).items.filter((e) => e.action === 'update');
    // b.example was created with the server's default quota for new accounts (directory.defaultQuotaBytes).
    assert.deepEqual(entry.before, { description: '', defaultQuotaBytes: h.config.directory.defaultQuotaBytes });
    assert.deepEqual(entry.after, { description: 'Branch office', defaultQuotaBytes: 5 });
    assert.equal(entry.actor, 'admin');
    assert.equal(entry.ip, '192.0.2.1');
  });

  it('deletes an empty domain, audits it, and removes it from domain-admin grants', async () => {
    const d = h.directory;
    const tmp = await d.domains.create(w.adminActor, { name: 'tmp.example' });
    await d.accounts.grantRole(w.adminActor, w.aAdmin.id, { role: 'domain-admin', domains: ['a.example', 'tmp.example'] });
    await d.domains.delete(w.adminActor, 'tmp.example');
    assert.equal(await codeOf(d.domains.get(w.adminActor, tmp.id)), 'STOA_NOT_FOUND');
    assert.deepEqual((await d.accounts.get(w.adminActor, w.aAdmin.id)).adminDomainIds, [w.a.id]);
    const entries = (await d.audit.list(w.adminActor, { objectId: tmp.id })).items;
    assert.ok(entries.some((e) => e.action === 'delete' && e.objectType === 'domain' && e.after === null));
  });

  it('lists with paging and a free-text filter', async () => {
    const page = await h.directory.domains.list(w.adminActor, { q: 'example', limit: 2, offset: 1, sort: 'name' });
    assert.equal(page.items.length, 2);
    assert.ok(page.total >= 4);
    // "a-alias.example" sorts first ("-" before ".").
    assert.deepEqual(page.items.map((x) => x.name), ['a.example', 'b.example']);
    assert.equal((await h.directory.domains.list(w.adminActor, { q: 'BÜCHER' })).total, 1);
  });
});
