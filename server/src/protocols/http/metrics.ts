// Prometheus metrics. Each server owns its own Registry rather than the
// prom-client global one, so a process (or a test) can build several servers
// without "metric already registered" clashes. Other front ends (IMAP, SMTP …)
// receive the same Metrics object and add their counters to `registry`.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import Type from 'typebox';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Protocol } from '../../directory/api.ts';
import { problemResponses } from './problem.ts';

export type AuthOutcome = 'success' | 'failed' | 'throttled' | 'disabled';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  authAttempts: Counter<'protocol' | 'result'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
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
  };
}

/** Counts one authentication attempt; every protocol calls this after `directory.auth.authenticate`. */
export function countAuthAttempt(metrics: Metrics, protocol: Protocol, result: AuthOutcome): void {
  metrics.authAttempts.inc({ protocol, result });
}

/** Request counters for every route and GET /metrics. */
async function metricsPlugin(app: FastifyInstance, opts: { metrics: Metrics }): Promise<void> {
  const { metrics } = opts;
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: raw URLs carry ids and would
    // give every object its own time series.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', {
    config: { access: 'public' },
    schema: {
      tags: ['health'],
      summary: 'Prometheus metrics (text exposition format)',
      security: [],
      response: { 200: Type.String({ description: 'Prometheus text format 0.0.4' }), ...problemResponses },
    },
  }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}

// Not encapsulated: the onResponse hook must see every route of the server.
export const requestMetrics = fp(metricsPlugin, { name: 'stoa-metrics' });
