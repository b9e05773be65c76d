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
    /** Inbound MX (RFC 5321): port 25 in production. */
    smtp: ListenerConfig;
    /** Message submission with STARTTLS (RFC 6409): port 587 in production. */
    submission: ListenerConfig & { allowPlaintextAuth: boolean };
    /** Submission over implicit TLS (RFC 8314): port 465 in production. */
    smtps: ListenerConfig;
    /** IMAP with STARTTLS (RFC 9051): port 143 in production. */
    imap: ListenerConfig & { allowPlaintextAuth: boolean };
    /** IMAP over implicit TLS (RFC 8314): port 993 in production. */
    imaps: ListenerConfig;
    /** POP3 with STLS (RFC 1939, RFC 2595): port 110 in production. */
    pop3: ListenerConfig & { allowPlaintextAuth: boolean };
    /** POP3 over implicit TLS (RFC 8314): port 995 in production. */
    pop3s: ListenerConfig;
  };
  /** SMTP front end (docs/smtp.md). */
  smtp: {
    maxMessageBytes: number;
    maxRecipients: number;
    maxConnections: number;
    maxConnectionsPerIp: number;
    socketTimeoutMs: number;
    /** Dictionary-harvest protection: unknown recipients from one client IP. */
    harvest: { freeUnknownRecipients: number; delayMs: number; maxUnknownRecipients: number };
    /** Same Message-ID to the same account within this window is delivered once (0 = off). */
    duplicateWindowMs: number;
    /** Larger messages are spooled to a temporary file while they arrive. */
    spoolMemoryBytes: number;
  };
  /** POP3 front end (docs/pop3.md). */
  pop3: {
    idleTimeoutSeconds: number;
    /** DELE + QUIT marks messages seen and hides them from POP3 instead of expunging them. */
    keepDeleted: boolean;
  };
  /** The mail store (docs/mail-store.md). */
  mail: {
    /** Expunge-log entries older than this are pruned; QRESYNC from before them reports every missing UID. */
    expungeLogRetentionDays: number;
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
  /** The admin console (docs/console.md) and its live channel. */
  console: {
    enabled: boolean;
    /** Directory of the built console; null = dist/console/browser beside the installation. */
    distDir: string | null;
    /** Live WebSocket subscribers at once; more are refused with close code 4429. */
    liveMaxClients: number;
    liveIntervalMs: number;
    /** A client that has this much unsent data gets no trace events until it catches up. */
    liveMaxBufferedBytes: number;
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
  tls: {
    /** PEM certificate chain and key; both null = a self-signed certificate in dataDir/tls/. */
    certFile: string | null;
    keyFile: string | null;
    minVersion: 'TLSv1.2' | 'TLSv1.3';
  };
  mailAuth: {
    /** What a DMARC failure does to inbound mail (mail-auth/dmarc-policy.ts). */
    dmarcPolicy: DmarcPolicyMode;
    /** Per author domain (lower-case ASCII) exceptions to dmarcPolicy. */
    overrides: Record<string, DmarcPolicyMode>;
    /** Also sign outbound mail with an Ed25519 key (RFC 8463) besides RSA. */
    dkimEd25519: boolean;
  };
  filter: FilterConfig;
  /** Outbound queue and remote delivery (docs/queue.md); EHLO name and resolvers come from `hostname` and `dns`. */
  queue: QueueSettings;
}

/** The `queue:` section; the queue's own view of it is `QueueConfig` (queue/queue-config.ts). */
export interface QueueSettings {
  /** Message lifetime: after this a still-deferred recipient fails (RFC 5321 §4.5.4.1: at least 4-5 days). */
  lifetimeMs: number;
  /** Delays after the 1st, 2nd, … deferral; then `retryIntervalMs` repeats. */
  retryScheduleMs: number[];
  retryIntervalMs: number;
  /** Age after which a still-deferred recipient gets one delay DSN (RFC 3461 §4.1 DELAY). */
  delayNoticeAfterMs: number;
  /** With no RET (RFC 3461 §4.3), failure DSNs carry the full message up to this size, headers beyond. */
  dsnFullMessageMaxBytes: number;
  /** Completed messages stay listed this long. */
  completedRetentionMs: number;
  /** Destination port of MX hosts (25; other values only for test networks). */
  remotePort: number;
  /** Relay everything through this host; `host: null` = deliver to the MX hosts directly. */
  smarthost: {
    host: string | null;
    port: number;
    /** none: plain; starttls: STARTTLS required; tls: implicit TLS (RFC 8314). */
    tls: 'none' | 'starttls' | 'tls';
    /** Check the smarthost certificate (chain and name). */
    tlsVerify: boolean;
    /** Both null = no AUTH; the password belongs in STOA_SMARTHOST_PASSWORD. */
    auth: { user: string | null; password: string | null };
  };
  limits: {
    /** Simultaneous outbound SMTP connections in this process. */
    globalConnections: number;
    /** Simultaneous connections to one destination domain (or the smarthost). */
    perDomainConnections: number;
  };
  timeouts: {
    connectMs: number;
    /** RFC 5321 §4.5.3.2.1: 5 minutes for the 220 greeting. */
    greetingMs: number;
    /** Inactivity limit for any later reply (RFC 5321 §4.5.3.2: 2-10 minutes). */
    socketMs: number;
  };
  worker: {
    enabled: boolean;
    /** A claim lasts this long and is renewed at a third of it while delivering. */
    leaseMs: number;
    /** Longest sleep between queue scans when nothing is known to be due. */
    pollIntervalMs: number;
    /** (message, domain) groups claimed per scan. */
    batchSize: number;
    /** How long stop() waits for running deliveries before aborting them. */
    stopTimeoutMs: number;
  };
}

export type DmarcPolicyMode = 'enforce' | 'quarantine-only' | 'monitor';

export interface FilterConfig {
  /** CIDRs (IPv4/IPv6) that skip the DNS blocklists and greylisting. */
  ipAllow: string[];
  /** CIDRs refused at connection time. */
  ipDeny: string[];
  dnsbl: { zones: string[]; timeoutMs: number; action: 'reject' | 'junk' };
  greylist: {
    enabled: boolean;
    delaySeconds: number;
    /** A first attempt not retried within this many hours is forgotten. */
    retryWindowHours: number;
    /** A network that passed this many distinct triplets skips greylisting… */
    autoWhitelistAfter: number;
    /** …for this many days after its last pass. */
    whitelistDays: number;
  };
  /** Submission limit per authenticated account; 0 = none. */
  rateLimit: { messagesPerHour: number };
}
