// The full-access cache in front of the grant rows: a change announced on
// the change bus is seen at the next question, a read that raced the
// announcement is not kept, entries expire for changes made on other nodes,
// and an evicted owner leaves no bus subscription behind. Real SQLite store,
// real in-process bus.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalChangeBus } from '../events/local-change-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/port.ts';
import type { MailboxGrantRecord } from '../store/shared-mailbox-port.ts';
import { storeTestConfig } from '../store/contract/store-test-config.ts';
import { FullAccessCache, MAX_AGE_MS } from './grant-cache.ts';

let n = 0;
function grant(ownerId: string, granteeId: string, right: MailboxGrantRecord['right'] = 'full-access'): MailboxGrantRecord {
  return { id: `g${++n}`, ownerId, ownerKind: 'shared-mailbox', domainId: 'd', granteeKind: 'account', granteeId, right, createdAt: '2026-01-01T00:00:00.000Z' };
}

function announce(bus: LocalChangeBus, ownerId: string): void {
  bus.publish({ accountId: ownerId, mailboxId: `${ownerId}-inbox`, kind: 'mailbox', uids: [], modseq: 1 });
}

describe('full-access grant cache', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stoa-grant-cache-'));
    store = await openStore(storeTestConfig(dir));
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers from the cache until a mailbox event of the owner arrives, then reads the grants again', async () => {
    const bus = new LocalChangeBus();
    const cache = new FullAccessCache(store, bus);
    const g = grant('owner-1', 'alice');
    await store.mailboxGrants.add(g);
    assert.deepEqual([...await cache.granteesOf('owner-1')], ['alice']);
    await store.mailboxGrants.remove(g.id);
    assert.deepEqual([...await cache.granteesOf('owner-1')], ['alice'], 'cached until told');
    announce(bus, 'owner-1');
    assert.deepEqual([...await cache.granteesOf('owner-1')], [], 'the revocation is seen at the next question');
    // Only full access counts, and other owners' events change nothing.
    await store.mailboxGrants.add(grant('owner-1', 'bob', 'send-as'));
    announce(bus, 'someone-else');
    assert.deepEqual([...await cache.granteesOf('owner-1')], []);
  });

  it('does not keep a read that an announcement overtook', async () => {
    const bus = new LocalChangeBus();
    const slow = {
      mailboxGrants: {
        ...store.mailboxGrants,
        forOwner: async (ownerId: string) => {
          const rows = await store.mailboxGrants.forOwner(ownerId);
          // The grant is taken away and announced while this (stale) read is on its way back.
          announce(bus, ownerId);
          return rows;
        },
      },
    };
    const g = grant('owner-2', 'carol');
    await store.mailboxGrants.add(g);
    const cache = new FullAccessCache(slow, bus);
    assert.deepEqual([...await cache.granteesOf('owner-2')], ['carol']);
    await store.mailboxGrants.remove(g.id);
    assert.deepEqual([...await new FullAccessCache(store, bus).granteesOf('owner-2')], []);
    assert.deepEqual([...await cache.granteesOf('owner-2')], [], 'the overtaken read was not cached');
  });

  it('expires entries, so a change made on another node takes effect without an event', async () => {
    const bus = new LocalChangeBus();
    let clock = 1_000_000;
    const cache = new FullAccessCache(store, bus, () => clock);
    const g = grant('owner-3', 'dave');
    await store.mailboxGrants.add(g);
    assert.equal((await cache.granteesOf('owner-3')).has('dave'), true);
    await store.mailboxGrants.remove(g.id);
    clock += MAX_AGE_MS - 1;
    assert.equal((await cache.granteesOf('owner-3')).has('dave'), true);
    clock += 2;
    assert.equal((await cache.granteesOf('owner-3')).has('dave'), false);
  });

  it('subscribes once per cached owner, and works without a bus by reading every time', async () => {
    const bus = new LocalChangeBus();
    const cache = new FullAccessCache(store, bus);
    await cache.granteesOf('owner-4');
    await cache.granteesOf('owner-4');
    await cache.granteesOf('owner-5');
    assert.equal(bus.size, 2);
    const uncached = new FullAccessCache(store, undefined);
    const g = grant('owner-6', 'erin');
    await store.mailboxGrants.add(g);
    assert.equal((await uncached.granteesOf('owner-6')).has('erin'), true);
    await store.mailboxGrants.remove(g.id);
    assert.equal((await uncached.granteesOf('owner-6')).has('erin'), false);
  });
});
