// The whole filter service over a real SQLite store in a temp dir, as the
// filter's rule tests and reports run it in process: the default config, DNS
// pointed at 127.0.0.1:9 where nothing listens (every lookup refused at once,
// so no check waits on it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { defaultConfig, type StoaConfig } from '../../server/src/config/schema.ts';
import { createFilterService, type FilterService } from '../../server/src/filter/filter-service.ts';
import { createDnsResolver } from '../../server/src/mail-auth/dns-resolver.ts';
import { createInboundAuthenticator } from '../../server/src/mail-auth/inbound.ts';
import { openSqliteStore } from '../../server/src/store/sqlite/sqlite-store.ts';

export const silentLog = pino({ level: 'silent' });

export interface TestFilter {
  config: StoaConfig;
  filter: FilterService;
  /** Closes the store and removes its temp dir. */
  close(): Promise<void>;
}

export async function openTestFilter(prefix: string, hostname: string): Promise<TestFilter> {
  const dir = mkdtempSync(join(tmpdir(), `stoa-${prefix}-`));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = hostname;
  config.dns.servers = ['127.0.0.1:9'];
  // Refused at once; a long timeout keeps a busy machine from turning a refusal into a timeout.
  config.dns.timeoutMs = 60_000;
  const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
  const filter = createFilterService({
    config, store, logger: silentLog, dns: createDnsResolver(config), inbound: createInboundAuthenticator(config, silentLog), deliverReleased: async () => undefined,
  });
  return {
    config,
    filter,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
