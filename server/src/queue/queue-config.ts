// Settings of the outbound queue and remote delivery (documented in
// docs/queue.md). The config loader maps the `queue:` section onto this shape;
// every module here takes it as a parameter.
import type { QueueSettings, StoaConfig } from '../config/types.ts';

type SmarthostSettings = QueueSettings['smarthost'];

/** A smarthost that is set: a host, and AUTH only with both user and password. */
export interface SmarthostConfig extends Omit<SmarthostSettings, 'host' | 'auth'> {
  host: string;
  auth: { user: string; password: string } | null;
}

/** The `queue:` section (field comments in config/types.ts), the server's EHLO name and resolvers. */
export interface QueueConfig extends Omit<QueueSettings, 'smarthost' | 'worker'> {
  /** Name sent in EHLO and used as Reporting-MTA (RFC 5321 §4.1.1.1). */
  hostname: string;
  dns: {
    /** "127.0.0.1:5353", "[::1]:53" or a bare address; empty = the system resolvers. */
    servers: string[];
    timeoutMs: number;
    tries: number;
  };
  smarthost: SmarthostConfig | null;
  /** Whether the worker runs is the server's choice, not the queue's. */
  worker: Omit<QueueSettings['worker'], 'enabled'>;
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
export function queueConfigFrom(config: Pick<StoaConfig, 'dns' | 'hostname' | 'queue'>): QueueConfig {
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
