// Settings of the outbound queue and remote delivery (documented in
// docs/queue.md). The config loader maps the `queue:` section onto this shape;
// every module here takes it as a parameter.
import type { StoaConfig } from '../config/types.ts';

export interface SmarthostConfig {
  host: string;
  port: number;
  /** none: plain; starttls: STARTTLS required; tls: implicit TLS (RFC 8314). */
  tls: 'none' | 'starttls' | 'tls';
  /** Check the smarthost certificate (chain and name). */
  tlsVerify: boolean;
  auth: { user: string; password: string } | null;
}

export interface QueueConfig {
  /** Name sent in EHLO and used as Reporting-MTA (RFC 5321 §4.1.1.1). */
  hostname: string;
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
  dns: {
    /** "127.0.0.1:5353", "[::1]:53" or a bare address; empty = the system resolvers. */
    servers: string[];
    timeoutMs: number;
    tries: number;
  };
  /** Destination port of MX hosts (25; other values only for test networks). */
  remotePort: number;
  smarthost: SmarthostConfig | null;
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_QUEUE_CONFIG: QueueConfig = {
  hostname: 'localhost',
  lifetimeMs: 5 * 24 * HOUR,
  retryScheduleMs: [5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 40 * MINUTE, 80 * MINUTE],
  retryIntervalMs: 2 * HOUR,
  delayNoticeAfterMs: 4 * HOUR,
  dsnFullMessageMaxBytes: 1024 * 1024,
  completedRetentionMs: 7 * 24 * HOUR,
  dns: { servers: [], timeoutMs: 5000, tries: 2 },
  remotePort: 25,
  smarthost: null,
  limits: { globalConnections: 100, perDomainConnections: 10 },
  timeouts: { connectMs: 30_000, greetingMs: 5 * MINUTE, socketMs: 5 * MINUTE },
  worker: { leaseMs: 15 * MINUTE, pollIntervalMs: 30_000, batchSize: 50, stopTimeoutMs: 30_000 },
};

/** Defaults with `overrides` applied one section deep. */
export function queueConfig(overrides: Partial<QueueConfig> = {}): QueueConfig {
  const d = DEFAULT_QUEUE_CONFIG;
  return {
    ...d, ...overrides,
    dns: { ...d.dns, ...overrides.dns },
    limits: { ...d.limits, ...overrides.limits },
    timeouts: { ...d.timeouts, ...overrides.timeouts },
    worker: { ...d.worker, ...overrides.worker },
  };
}

/**
 * The queue's view of the server configuration: the `queue:` section, plus the
 * server's `hostname` (EHLO, Reporting-MTA) and `dns` resolvers.
 */
export function queueConfigFrom(config: StoaConfig): QueueConfig {
  const q = config.queue;
  const sh = q.smarthost;
  return {
    hostname: config.hostname,
    lifetimeMs: q.lifetimeMs,
    retryScheduleMs: [...q.retryScheduleMs],
    retryIntervalMs: q.retryIntervalMs,
    delayNoticeAfterMs: q.delayNoticeAfterMs,
    dsnFullMessageMaxBytes: q.dsnFullMessageMaxBytes,
    completedRetentionMs: q.completedRetentionMs,
    dns: { servers: [...config.dns.servers], timeoutMs: config.dns.timeoutMs, tries: DEFAULT_QUEUE_CONFIG.dns.tries },
    remotePort: q.remotePort,
    smarthost: sh.host === null ? null : {
      host: sh.host, port: sh.port, tls: sh.tls, tlsVerify: sh.tlsVerify,
      auth: sh.auth.user !== null && sh.auth.password !== null ? { user: sh.auth.user, password: sh.auth.password } : null,
    },
    limits: { ...q.limits },
    timeouts: { ...q.timeouts },
    worker: { leaseMs: q.worker.leaseMs, pollIntervalMs: q.worker.pollIntervalMs, batchSize: q.worker.batchSize, stopTimeoutMs: q.worker.stopTimeoutMs },
  };
}
