// Chooses the storage adapter from the configuration and opens it with its
// migrations applied.
import { isAbsolute, join } from 'node:path';
import type { StoaConfig } from '../config/types.ts';
import { StoaError } from '../errors/catalogue.ts';
import { ensureWritableDir } from './data-dir.ts';
import type { Store } from './port.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

export { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';

interface MongoModule { openMongoStore(config: StoaConfig): Promise<Store> }

function inDataDir(config: StoaConfig, path: string): string {
  return isAbsolute(path) ? path : join(config.dataDir, path);
}

export async function openStore(config: StoaConfig): Promise<Store> {
  ensureWritableDir(config.dataDir);
  if (config.store.driver === 'mongodb') {
    // Loaded on demand so the embedded setup never loads the MongoDB driver.
    // The specifier is a variable on purpose: the module is resolved at run time.
    const specifier = new URL('./mongodb/mongo-store.ts', import.meta.url).href;
    const mod = await import(specifier) as MongoModule;
    return mod.openMongoStore(config);
  }
  if (config.store.driver !== 'sqlite') {
    throw new StoaError('STOA_CONFIG_INVALID', `unknown store driver ${String(config.store.driver)}`);
  }
  return openSqliteStore({
    path: inDataDir(config, config.store.sqlite.path),
    blobsPath: inDataDir(config, config.store.blobs.path),
    busyTimeoutMs: config.store.sqlite.busyTimeoutMs,
    blobInlineMaxBytes: config.store.blobs.inlineMaxBytes,
  });
}
