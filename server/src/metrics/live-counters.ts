// Counter snapshots for the console's dashboard, read from the one metrics
// registry (the same numbers GET /metrics shows) plus two values that are
// not Prometheus counters: the queue's pending size and the mailbox
// deliveries seen on the change bus. Totals since start; the console turns
// consecutive snapshots into rates.
import type { Registry } from 'prom-client';

export interface LiveCounters {
  smtpAccepted: number;
  smtpRejected: number;
  queueDelivered: number;
  queueDeferred: number;
  queueFailed: number;
  queueSize: number;
  mailboxDeliveries: number;
  authFailures: number;
  connections: Record<string, number>;
}

type Sample = { value: number; labels: Record<string, string | number> };

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const got = await metric.get();
  return got.values as Sample[];
}

const sum = (values: Sample[], keep: (s: Sample) => boolean = () => true): number =>
  Math.round(values.filter(keep).reduce((n, s) => n + s.value, 0));

export async function readLiveCounters(registry: Registry, extra: { queueSize: number; mailboxDeliveries: number }): Promise<LiveCounters> {
  const [accepted, rejected, delivered, deferred, bounced, auth, smtpConn, otherConn] = await Promise.all([
    samples(registry, 'stoa_smtp_messages_accepted_total'),
    samples(registry, 'stoa_smtp_rejected_total'),
    samples(registry, 'stoa_queue_delivered_total'),
    samples(registry, 'stoa_queue_deferred_total'),
    samples(registry, 'stoa_queue_bounced_total'),
    samples(registry, 'stoa_auth_attempts_total'),
    samples(registry, 'stoa_smtp_connections'),
    samples(registry, 'stoa_connections'),
  ]);
  const connections: Record<string, number> = {};
  for (const s of smtpConn) connections[String(s.labels.listener ?? 'smtp')] = (connections[String(s.labels.listener ?? 'smtp')] ?? 0) + s.value;
  for (const s of otherConn) connections[String(s.labels.protocol)] = s.value;
  return {
    smtpAccepted: sum(accepted),
    smtpRejected: sum(rejected),
    queueDelivered: sum(delivered),
    queueDeferred: sum(deferred),
    queueFailed: sum(bounced),
    queueSize: extra.queueSize,
    mailboxDeliveries: extra.mailboxDeliveries,
    authFailures: sum(auth, (s) => s.labels.result !== 'success'),
    connections,
  };
}
