// The configuration file's JSON Schema (TypeBox) and its defaults. The schema
// describes the fully merged configuration; validate.ts walks it to produce
// messages that name the key path and its source. Every key here is
// documented in docs/configuration.md (test/config/docs.test.ts checks it).
import { hostname } from 'node:os';
import Type, { type TSchema } from 'typebox';
import type { StoaConfig } from './types.ts';

const Int = (minimum: number, maximum: number, description: string): TSchema =>
  Type.Integer({ minimum, maximum, description });
const Str = (description: string, minLength = 1): TSchema => Type.String({ minLength, description });
const OneOf = (values: readonly string[], description: string): TSchema =>
  Type.Union(values.map((v) => Type.Literal(v)), { description });
const Obj = (properties: Record<string, TSchema>): TSchema => Type.Object(properties, { additionalProperties: false });

const Port = Int(0, 65535, 'TCP port; 0 picks a free one');
const MAX_MS = 30 * 24 * 3600 * 1000;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema: TSchema = Obj({
  dataDir: Str('Data directory'),
  hostname: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$', description: 'Host name of this server' }),
  store: Obj({
    driver: OneOf(['sqlite', 'mongodb'], 'Storage backend'),
    sqlite: Obj({
      path: Str('Database file'),
      busyTimeoutMs: Int(0, 600_000, 'Wait for a lock this long'),
    }),
    mongodb: Obj({
      url: Type.Union([Type.String({ minLength: 1, pattern: '^mongodb(\\+srv)?://' }), Type.Null()], { description: 'Connection string' }),
      database: Type.String({ minLength: 1, maxLength: 63, pattern: '^[^/\\\\. "$]+$', description: 'Database name' }),
    }),
    blobs: Obj({
      path: Str('Blob directory'),
      gcGraceHours: Int(1, 24 * 365, 'Keep unreferenced blobs this long'),
    }),
  }),
  listeners: Obj({
    http: Obj({
      enabled: Type.Boolean(),
      host: Str('Address to bind'),
      port: Port,
      trustProxy: Type.Boolean(),
    }),
  }),
  auth: Obj({
    argon2: Obj({
      // RFC 9106 §3.1 bounds; memory must be at least 8 × parallelism KiB.
      memoryKiB: Int(8, 4_194_304, 'argon2id memory'),
      passes: Int(1, 100, 'argon2id iterations'),
      parallelism: Int(1, 64, 'argon2id lanes'),
    }),
    // Below 8 would be weaker than what the API schema already enforces.
    minPasswordLength: Int(8, 1024, 'Minimum password length'),
    throttle: Obj({
      ipFreeFailures: Int(0, 1_000_000, 'Free failures per IP'),
      accountFreeFailures: Int(0, 1_000_000, 'Free failures per account'),
      baseDelayMs: Int(0, MAX_MS, 'First delay'),
      maxDelayMs: Int(0, MAX_MS, 'Longest delay'),
      windowMs: Int(1000, MAX_MS, 'Memory of failures'),
    }),
  }),
  api: Obj({
    sessionTtlHours: Int(1, 24 * 366, 'Session lifetime'),
    bodyLimitBytes: Int(1024, 1024 * 1024 * 1024, 'Largest request body'),
    cookieSecure: OneOf(['auto', 'always', 'never'], 'Secure flag on the session cookie'),
  }),
  firstStart: Obj({
    adminPassword: Type.Union([Type.String({ minLength: 8, maxLength: 1024 }), Type.Null()]),
    adminLogin: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    demo: Obj({
      enabled: Type.Boolean(),
      domain: Type.String({ minLength: 1, maxLength: 253, pattern: '^[^\\s@]+\\.[^\\s@]+$' }),
      password: Type.Union([Type.String({ minLength: 8, maxLength: 1024 }), Type.Null()]),
    }),
  }),
  dns: Obj({
    servers: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 16 }),
    timeoutMs: Int(100, 120_000, 'Per-query timeout'),
  }),
  log: Obj({
    level: OneOf(LOG_LEVELS, 'Minimum level written'),
    pretty: Type.Boolean(),
  }),
});

/**
 * Defaults before paths are resolved: `dataDir` is relative to the working
 * directory, the store paths relative to `dataDir` (see load.ts).
 */
export function defaultConfig(): StoaConfig {
  return {
    dataDir: './data',
    hostname: hostname() || 'localhost',
    store: {
      driver: 'sqlite',
      sqlite: { path: 'stoa.db', busyTimeoutMs: 5000 },
      mongodb: { url: null, database: 'stoa' },
      blobs: { path: 'blobs', gcGraceHours: 24 },
    },
    listeners: {
      http: { enabled: true, host: '0.0.0.0', port: 8080, trustProxy: false },
    },
    auth: {
      // OWASP Password Storage Cheat Sheet: argon2id m=19 MiB, t=2, p=1.
      argon2: { memoryKiB: 19456, passes: 2, parallelism: 1 },
      minPasswordLength: 8,
      throttle: { ipFreeFailures: 10, accountFreeFailures: 5, baseDelayMs: 1000, maxDelayMs: 900_000, windowMs: 3_600_000 },
    },
    api: { sessionTtlHours: 12, bodyLimitBytes: 1024 * 1024, cookieSecure: 'auto' },
    firstStart: {
      adminPassword: null,
      adminLogin: 'admin',
      demo: { enabled: true, domain: 'demo.stoa.test', password: null },
    },
    dns: { servers: [], timeoutMs: 5000 },
    log: { level: 'info', pretty: false },
  };
}

/** Every leaf key path of the configuration ("listeners.http.port"), from the schema. */
export function configKeyPaths(schema: TSchema = configSchema, prefix = ''): string[] {
  const s = schema as { type?: string; properties?: Record<string, TSchema> };
  if (s.type !== 'object' || !s.properties) return [prefix];
  return Object.entries(s.properties).flatMap(([key, sub]) => configKeyPaths(sub, prefix ? `${prefix}.${key}` : key));
}
