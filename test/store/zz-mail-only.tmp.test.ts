import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '/work/main/server/src/store/open-store.ts';
import { mailContract } from '/work/main/server/src/store/contract/mail.contract.ts';
import { storeTestConfig } from '/work/main/server/src/store/contract/store-test-config.ts';
mailContract(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'stoa-mail-'));
  const config = storeTestConfig(dataDir);
  const store = await openStore(config);
  return { store, childConfig: config, openSibling: () => openStore(config), async cleanup() { await store.close(); await rm(dataDir, { recursive: true, force: true }); } };
});
