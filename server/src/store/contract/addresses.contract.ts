// The shared address space: one owner per address across accounts, groups,
// aliases and resources; deleting an owner frees its address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { accountFixture, aliasFixture, domainFixture, groupFixture, resourceFixture, useHarness, type StoreFactory } from './harness.ts';

export function addressContract(factory: StoreFactory): void {
  describe('shared address space', () => {
    const h = useHarness(factory, { before, after });
    const d = domainFixture('addr.example');
    before(async () => { await h().store.domains.create(d); });

    const makers = {
      account: (local: string) => accountFixture(d, local),
      group: (local: string) => groupFixture(d, local),
      alias: (local: string) => aliasFixture(d, local),
      resource: (local: string) => resourceFixture(d, local),
    };
    type Kind = keyof typeof makers;
    const create = (kind: Kind, local: string) => {
      const s = h().store;
      const obj = makers[kind](local);
      const done = kind === 'account' ? s.accounts.create(obj as ReturnType<typeof makers.account>)
        : kind === 'group' ? s.groups.create(obj as ReturnType<typeof makers.group>)
          : kind === 'alias' ? s.aliases.create(obj as ReturnType<typeof makers.alias>)
            : s.resources.create(obj as ReturnType<typeof makers.resource>);
      return done.then(() => obj);
    };
    const remove = (kind: Kind, id: string) => {
      const s = h().store;
      return kind === 'account' ? s.accounts.delete(id) : kind === 'group' ? s.groups.delete(id)
        : kind === 'alias' ? s.aliases.delete(id) : s.resources.delete(id);
    };
    const kinds = Object.keys(makers) as Kind[];

    for (const first of kinds) {
      it(`a ${first} address cannot be taken by any other kind, and is free again after delete`, async () => {
        const local = `shared-${first}`;
        const owner = await create(first, local);
        assert.deepEqual(await h().store.addresses.resolve(owner.address), { kind: first, id: owner.id });
        for (const second of kinds) {
          await assert.rejects(create(second, local), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'), `${second} over ${first}`);
        }
        await remove(first, owner.id);
        assert.equal(await h().store.addresses.resolve(owner.address), null);
        const next = await create(kinds[(kinds.indexOf(first) + 1) % kinds.length], local);
        assert.equal((await h().store.addresses.resolve(owner.address))?.id, next.id);
      });
    }

    it('resolves an unknown address to null', async () => {
      assert.equal(await h().store.addresses.resolve('nobody@addr.example'), null);
    });

    it('a failed create inside a transaction leaves no claim behind, even when the caller carries on', async () => {
      const s = h().store;
      const taken = await create('account', 'carry-on');
      const fresh = aliasFixture(d, 'carry-on-alias');
      await s.atomic(async (tx) => {
        const dup = groupFixture(d, 'carry-on-group', { id: taken.id, address: 'carry-on-group@addr.example' });
        await assert.rejects(tx.accounts.create({ ...accountFixture(d, 'x'), id: taken.id, address: 'unclaimed@addr.example' }));
        await assert.rejects(tx.groups.create({ ...dup, address: taken.address }), (e) => isStoaError(e, 'STOA_ADDRESS_TAKEN'));
        await tx.aliases.create(fresh);
      });
      assert.equal(await s.addresses.resolve('unclaimed@addr.example'), null);
      assert.equal((await s.addresses.resolve(fresh.address))?.kind, 'alias');
    });
  });
}
