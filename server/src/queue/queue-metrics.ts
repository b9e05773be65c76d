// Prometheus counters of the outbound queue, registered on the registry the
// HTTP server exposes at /metrics (pass `metrics.registry`).
import { Counter, type Registry } from 'prom-client';
import type { AttemptResult } from '../store/queue-port.ts';

export interface QueueMetrics {
  delivered: Counter;
  deferred: Counter;
  bounced: Counter;
  attempts: Counter<'result'>;
}

export function registerQueueMetrics(registry: Registry): QueueMetrics {
  return {
    delivered: new Counter({ name: 'stoa_queue_delivered_total', help: 'Recipients delivered to a remote MTA', registers: [registry] }),
    deferred: new Counter({ name: 'stoa_queue_deferred_total', help: 'Recipients deferred for a later retry', registers: [registry] }),
    bounced: new Counter({ name: 'stoa_queue_bounced_total', help: 'Recipients failed permanently (or expired)', registers: [registry] }),
    attempts: new Counter({
      name: 'stoa_queue_attempts_total', help: 'Delivery attempts per recipient, by result',
      labelNames: ['result'] as const, registers: [registry],
    }),
  };
}

export function countOutcome(metrics: QueueMetrics | undefined, result: AttemptResult, attempted: boolean): void {
  if (!metrics) return;
  if (attempted) metrics.attempts.inc({ result });
  if (result === 'delivered') metrics.delivered.inc();
  else if (result === 'deferred') metrics.deferred.inc();
  else metrics.bounced.inc();
}
