// The validated configuration every module receives. The YAML schema, the
// defaults and the environment overrides live in schema.ts / load.ts, and
// docs/configuration.md documents every key.

export interface ListenerConfig {
  enabled: boolean;
  host: string;
  port: number;
}

export interface Argon2Params {
  /** Memory in KiB (argon2id "m"). */
  memoryKiB: number;
  /** Iterations ("t"). */
  passes: number;
  /** Lanes ("p"). */
  parallelism: number;
}

export interface ThrottleConfig {
  /** Failures from one IP before delays start. */
  ipFreeFailures: number;
  /** Failures for one account before delays start. */
  accountFreeFailures: number;
  /** First delay; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

export interface StoaConfig {
  /** Absolute path of the data directory (database, blobs, keys). */
  dataDir: string;
  /** Name this server uses in greetings and generated links. */
  hostname: string;
  store: {
    driver: 'sqlite' | 'mongodb';
    sqlite: { path: string; busyTimeoutMs: number };
    mongodb: { url: string | null; database: string };
    /** Filesystem blob directory (sqlite driver); MongoDB uses GridFS. */
    blobs: { path: string; gcGraceHours: number };
  };
  listeners: {
    http: ListenerConfig & { trustProxy: boolean };
  };
  auth: {
    argon2: Argon2Params;
    minPasswordLength: number;
    throttle: ThrottleConfig;
  };
  api: {
    sessionTtlHours: number;
    bodyLimitBytes: number;
    /** Secure flag on the session cookie: auto = only when the request came over HTTPS. */
    cookieSecure: 'auto' | 'always' | 'never';
  };
  firstStart: {
    /** From STOA_ADMIN_PASSWORD when set; otherwise generated and printed once. */
    adminPassword: string | null;
    adminLogin: string;
    demo: { enabled: boolean; domain: string; password: string | null };
  };
  dns: {
    /** Resolver addresses ("127.0.0.1:5353" or "::1"); empty = the system's. */
    servers: string[];
    timeoutMs: number;
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
}
