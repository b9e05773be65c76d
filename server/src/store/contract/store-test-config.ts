// A complete StoaConfig for store tests, pointing at a temporary data dir.
import type { StoaConfig } from '../../config/types.ts';

export function storeTestConfig(dataDir: string, store: Partial<StoaConfig['store']> = {}): StoaConfig {
  return {
    dataDir,
    hostname: 'stoa.test',
    store: {
      driver: 'sqlite',
      sqlite: { path: 'stoa.db', busyTimeoutMs: 5000 },
      mongodb: { url: null, database: 'stoa' },
      blobs: { path: 'blobs', gcGraceHours: 24 },
      ...store,
    },
    listeners: { http: { enabled: false, host: '127.0.0.1', port: 0, trustProxy: false } },
    auth: {
      argon2: { memoryKiB: 8192, passes: 1, parallelism: 1 },
      minPasswordLength: 8,
      throttle: { ipFreeFailures: 5, accountFreeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60_000, windowMs: 900_000 },
    },
    api: { sessionTtlHours: 12, bodyLimitBytes: 1_048_576, cookieSecure: 'auto' },
    firstStart: { adminPassword: null, adminLogin: 'admin', demo: { enabled: false, domain: 'demo.test', password: null } },
    dns: { servers: [], timeoutMs: 2000 },
    log: { level: 'silent', pretty: false },
  };
}
