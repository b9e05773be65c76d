// A complete StoaConfig for store tests, pointing at a temporary data dir:
// the defaults, with fast settings and nothing listening.
import { defaultConfig } from '../../config/schema.ts';
import type { StoaConfig } from '../../config/types.ts';

export function storeTestConfig(dataDir: string, store: Partial<StoaConfig['store']> = {}): StoaConfig {
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.hostname = 'stoa.test';
  config.store = {
    driver: 'sqlite',
    sqlite: { path: 'stoa.db', busyTimeoutMs: 5000 },
    mongodb: { url: null, database: 'stoa' },
    blobs: { path: 'blobs', gcGraceHours: 24, inlineMaxBytes: 128 * 1024 },
    ...store,
  };
  for (const listener of Object.values(config.listeners)) listener.enabled = false;
  config.auth.argon2 = { memoryKiB: 8192, passes: 1, parallelism: 1 };
  config.firstStart.demo.enabled = false;
  config.log.level = 'silent';
  return config;
}
