// Prometheus counters of the SMTP front end, on the registry the HTTP server
// exposes at /metrics (metrics/metrics.ts). Delivered, deferred and
// bounced counts of outbound mail come from the queue (queue-metrics.ts).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RejectReason } from './smtp-reply.ts';

export type ListenerKind = 'smtp' | 'submission' | 'smtps';

export interface SmtpMetrics {
  accepted: Counter<'listener'>;
  rejected: Counter<'reason'>;
  connections: Gauge<'listener'>;
}

export function registerSmtpMetrics(registry: Registry): SmtpMetrics {
  return {
    accepted: new Counter({
      name: 'stoa_smtp_messages_accepted_total',
      help: 'Messages answered 250 after DATA (durably delivered or queued), by listener',
      labelNames: ['listener'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'stoa_smtp_rejected_total',
      help: 'Connections, commands and messages refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    connections: new Gauge({
      name: 'stoa_smtp_connections',
      help: 'Open SMTP connections, by listener',
      labelNames: ['listener'] as const,
      registers: [registry],
    }),
  };
}

export function countRejection(metrics: SmtpMetrics, reason: RejectReason): void {
  metrics.rejected.inc({ reason });
}
