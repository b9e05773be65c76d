// Prometheus metrics, a foundation every layer may use. Each server owns its
// own Registry rather than the prom-client global one, so a process (or a
// test) can build several servers without "metric already registered"
// clashes. The composition root builds one Metrics; front ends and services
// add their counters to `registry`, and the HTTP server exposes it at /metrics
// and the console's live channel reads it (live-counters.ts).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  authAttempts: Counter<'protocol' | 'result'>;
  /** Open connections of front ends that do not keep their own gauge (IMAP, POP3), read when scraped. */
  connections: Gauge<'protocol'>;
  /** Registers a function read at each scrape for one protocol's open connections. */
  trackConnections(protocol: string, read: () => number): void;
  /** argon2 checks made by logins, real and dummy: the CPU that logins cost (directory/auth-service.ts). */
  passwordChecks: Counter;
  /** Connections and logins refused by a cap (operations/connection-gate.ts). */
  connectionsRefused: Counter<'protocol' | 'reason'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const readers = new Map<string, () => number>();
  return {
    connections: new Gauge({
      name: 'stoa_connections',
      help: 'Open connections by protocol (IMAP, POP3; SMTP has stoa_smtp_connections by listener)',
      labelNames: ['protocol'] as const,
      registers: [registry],
      collect() {
        for (const [protocol, read] of readers) this.set({ protocol }, read());
      },
    }),
    trackConnections(protocol, read) {
      readers.set(protocol, read);
    },
    registry,
    httpRequests: new Counter({
      name: 'stoa_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'stoa_http_request_duration_seconds',
      help: 'Time from request received to response sent',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    authAttempts: new Counter({
      name: 'stoa_auth_attempts_total',
      help: 'Authentication attempts, by protocol and outcome',
      labelNames: ['protocol', 'result'] as const,
      registers: [registry],
    }),
    passwordChecks: new Counter({
      name: 'stoa_auth_password_checks_total',
      help: 'argon2 password checks made by login attempts, real and dummy (each costs auth.argon2 memory and time)',
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'stoa_connections_refused_total',
      help: 'Connections and logins refused by a connection cap, by protocol and the cap hit (total, protocol, ip, network, account)',
      labelNames: ['protocol', 'reason'] as const,
      registers: [registry],
    }),
  };
}
