// The one contract suite every storage adapter must pass. An adapter's test
// entry calls runStoreContract with a factory that opens a fresh store.
import { describe } from 'node:test';
import { accountContract } from './accounts.contract.ts';
import { addressContract } from './addresses.contract.ts';
import { atomicCounterContract } from './atomic-counters.contract.ts';
import { auditContract } from './audit.contract.ts';
import { blobContract } from './blobs.contract.ts';
import { concurrentWriteContract } from './concurrent-writes.contract.ts';
import { davContract } from './dav.contract.ts';
import { domainContract } from './domains.contract.ts';
import { directorySyncContract } from './directory-sync.contract.ts';
import { filterContract } from './filter.contract.ts';
import type { StoreFactory } from './harness.ts';
import { lockContract } from './locks.contract.ts';
import { mailContract } from './mail.contract.ts';
import { migrationContract } from './migration.contract.ts';
import { ownerContract } from './owners.contract.ts';
import { queueContract } from './queue.contract.ts';
import { securityContract } from './security.contract.ts';
import { sharedMailboxContract } from './shared-mailboxes.contract.ts';
import { sieveContract } from './sieve.contract.ts';
import { spamFilterContract } from './spam-filter.contract.ts';

export type { CrashMode, StoreFactory, StoreHarness } from './harness.ts';
export { spawnCrashingWriter } from './spawn-worker.ts';

export function runStoreContract(label: string, factory: StoreFactory): void {
  describe(`store contract: ${label}`, () => {
    domainContract(factory);
    addressContract(factory);
    accountContract(factory);
    ownerContract(factory);
    securityContract(factory);
    auditContract(factory);
    filterContract(factory);
    spamFilterContract(factory);
    atomicCounterContract(factory);
    concurrentWriteContract(factory);
    blobContract(factory);
    mailContract(factory);
    lockContract(factory);
    queueContract(factory);
    sieveContract(factory);
    davContract(factory);
    directorySyncContract(factory);
    sharedMailboxContract(factory);
    migrationContract(factory);
  });
}
