// The store contract on the MongoDB adapter. Runs only when MONGODB_URL points
// at a replica set (transactions need one); each run uses its own database,
// dropped at the end.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { openStore } from '../../server/src/store/open-store.ts';
import { runStoreContract } from '../../server/src/store/contract/run-store-contract.ts';
import { storeTestConfig } from '../../server/src/store/contract/store-test-config.ts';

const url = process.env.MONGODB_URL;

if (!url) {
  const reason = 'MongoDB contract leg skipped: MONGODB_URL is not set';
  console.log(reason);
  test('store contract: mongodb', { skip: reason }, () => undefined);
} else {
  const runId = `stoa_contract_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const databases: string[] = [];
  let groups = 0;

  after(async () => {
    const client = new MongoClient(url);
    try {
      for (const name of databases) await client.db(name).dropDatabase();
    } finally {
      await client.close();
    }
  });

  // Each test group gets its own database, like the SQLite leg's own data dir.
  // The crash hooks (SIGKILLed writer, blob-file audit) are written for the
  // SQLite + filesystem leg; without them this leg skips those two tests.
  runStoreContract('mongodb', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stoa-contract-mongodb-'));
    const database = `${runId}_${groups++}`;
    databases.push(database);
    const config = storeTestConfig(dataDir, { driver: 'mongodb', mongodb: { url, database } });
    const store = await openStore(config);
    return {
      store,
      childConfig: config,
      openSibling: () => openStore(config),
      async cleanup() {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  });
}
