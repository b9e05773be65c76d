// The store contract on the embedded adapter: SQLite + filesystem blobs, a
// fresh data directory per test group.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../server/src/store/open-store.ts';
import { runStoreContract, spawnCrashingWriter } from '../../server/src/store/contract/run-store-contract.ts';
import { fsBlobProblems } from './fs-blob-audit.ts';
import { storeTestConfig } from '../../server/src/store/contract/store-test-config.ts';

runStoreContract('sqlite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stoa-contract-sqlite-'));
  const config = storeTestConfig(dataDir);
  const store = await openStore(config);
  return {
    store,
    childConfig: config,
    openSibling: () => openStore(config),
    spawnCrashingWriter: (mode, marker) => spawnCrashingWriter(config, mode, marker),
    blobProblems: async () => fsBlobProblems(join(dataDir, 'stoa.db'), join(dataDir, 'blobs')),
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
