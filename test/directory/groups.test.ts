import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, openHarness, seedWorld, type Harness, type World } from './harness.ts';

describe('groups over SQLite', () => {
  let h: Harness;
  let w: World;
  before(async () => { h = await openHarness(); w = await seedWorld(h); });
  after(async () => h.close());

  it('creates a group with validated, de-duplicated members and a default name', async () => {
    const g = await h.directory.groups.create(w.adminActor, {
      address: 'Sales@a.example',
      members: [{ kind: 'account', id: w.alice.id }, { kind: 'account', id: w.alice.id }, { kind: 'external', address: 'Partner@Example.NET' }],
    });
    assert.equal(g.address, 'sales@a.example');
    assert.equal(g.name, 'sales');
    assert.equal(g.kind, 'distribution');
    assert.deepEqual(g.members, [{ kind: 'account', id: w.alice.id }, { kind: 'external', address: 'partner@example.net' }]);
  });

  it('refuses members that do not exist', async () => {
    assert.equal(await codeOf(h.directory.groups.create(w.adminActor, { address: 'x@a.example', members: [{ kind: 'account', id: 'nope' }] })), 'STOA_INVALID_REFERENCE');
    assert.equal(await codeOf(h.directory.groups.create(w.adminActor, { address: 'y@a.example', members: [{ kind: 'group', id: 'nope' }] })), 'STOA_INVALID_REFERENCE');
    assert.equal(await codeOf(h.directory.groups.create(w.adminActor, { address: 'z@a.example', members: [{ kind: 'account', id: w.admin.id }] })), 'STOA_INVALID_REFERENCE');
  });

  it('refuses memberships that make a loop, directly or through nesting', async () => {
    const g = h.directory.groups;
    const top = await g.create(w.adminActor, { address: 'top@a.example' });
    const mid = await g.create(w.adminActor, { address: 'mid@a.example', members: [{ kind: 'account', id: w.bob.id }] });
    const low = await g.create(w.adminActor, { address: 'low@b.example', members: [{ kind: 'account', id: w.carol.id }] });
    await g.update(w.adminActor, top.id, { members: [{ kind: 'group', id: mid.id }] });
    await g.update(w.adminActor, mid.id, { members: [{ kind: 'account', id: w.bob.id }, { kind: 'group', id: low.id }] });
    assert.equal(await codeOf(g.update(w.adminActor, top.id, { members: [{ kind: 'group', id: top.id }] })), 'STOA_GROUP_CYCLE');
    const err = await g.update(w.adminActor, low.id, { members: [{ kind: 'group', id: top.id }] }).catch((e) => e);
    assert.equal(err.code, 'STOA_GROUP_CYCLE');
    assert.match(err.detail, /low@b\.example → top@a\.example → mid@a\.example → low@b\.example/);
    // The refused change left nothing behind.
    assert.deepEqual((await g.get(w.adminActor, low.id)).members, [{ kind: 'account', id: w.carol.id }]);

    assert.deepEqual(await g.expand(top.id), { accountIds: [w.bob.id, w.carol.id], external: [] });
  });

  it('deleting a group removes it from the groups that contained it', async () => {
    const g = h.directory.groups;
    const inner = await g.create(w.adminActor, { address: 'inner@a.example' });
    const outer = await g.create(w.adminActor, { address: 'outer@a.example', members: [{ kind: 'group', id: inner.id }, { kind: 'account', id: w.alice.id }] });
    await g.delete(w.adminActor, 'inner@a.example');
    assert.deepEqual((await g.get(w.adminActor, outer.id)).members, [{ kind: 'account', id: w.alice.id }]);
    assert.equal(await codeOf(g.get(w.adminActor, inner.id)), 'STOA_NOT_FOUND');
  });

  it('shares the address space with accounts and audits its changes', async () => {
    assert.equal(await codeOf(h.directory.groups.create(w.adminActor, { address: 'alice@a.example' })), 'STOA_ADDRESS_TAKEN');
    const g = await h.directory.groups.create(w.adminActor, { address: 'audited@a.example' });
    await h.directory.groups.update(w.adminActor, g.id, { description: 'now described' });
    const actions = (await h.directory.audit.list(w.adminActor, { objectId: g.id })).items.map((e) => e.action).sort();
    assert.deepEqual(actions, ['create', 'update']);
  });
});
