import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupMember } from '../../../shared/src/schemas/directory.ts';
import { expandGroup, findCycle, type MemberLoader } from './group-graph.ts';

function graph(edges: Record<string, GroupMember[]>): MemberLoader {
  return async (id) => edges[id] ?? null;
}
const g = (id: string): GroupMember => ({ kind: 'group', id });
const a = (id: string): GroupMember => ({ kind: 'account', id });
const ext = (address: string): GroupMember => ({ kind: 'external', address });

describe('group cycle detection', () => {
  const load = graph({ staff: [g('sales'), a('u1')], sales: [g('emea')], emea: [a('u2')], other: [] });
  it('finds no cycle for a fresh branch', async () => assert.equal(await findCycle('other', ['staff'], load), null));
  it('refuses a group inside itself', async () => assert.deepEqual(await findCycle('staff', ['staff'], load), ['staff', 'staff']));
  it('refuses a loop through nested groups and reports the path', async () => {
    assert.deepEqual(await findCycle('emea', ['staff'], load), ['emea', 'staff', 'sales', 'emea']);
  });
  it('ignores members that no longer exist', async () => assert.equal(await findCycle('emea', ['gone'], load), null));
});

describe('group expansion', () => {
  it('collects accounts and external addresses through nesting, without duplicates', async () => {
    const load = graph({
      all: [a('u1'), g('team'), ext('partner@example.net')],
      team: [a('u2'), a('u1'), g('sub')],
      sub: [a('u3'), ext('partner@example.net')],
    });
    assert.deepEqual(await expandGroup('all', load), { accountIds: ['u1', 'u2', 'u3'], external: ['partner@example.net'] });
  });
  it('terminates on a cycle that slipped in', async () => {
    const load = graph({ x: [g('y'), a('u1')], y: [g('x'), a('u2')] });
    assert.deepEqual(await expandGroup('x', load), { accountIds: ['u1', 'u2'], external: [] });
  });
  it('stops at the depth limit', async () => {
    const edges: Record<string, GroupMember[]> = {};
    for (let i = 0; i < 40; i++) edges[`g${i}`] = [g(`g${i + 1}`), a(`u${i}`)];
    const { accountIds } = await expandGroup('g0', graph(edges), 5);
    assert.deepEqual(accountIds, ['u0', 'u1', 'u2', 'u3', 'u4', 'u5']);
  });
});
