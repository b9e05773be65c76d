// GET /metrics (Prometheus text) and the request counters of every route.
// The registry itself lives in server/src/metrics/metrics.ts.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import Type from 'typebox';
import type { Metrics } from '../../metrics/metrics.ts';
import { problemResponses } from './problem.ts';

export { countAuthAttempt, createMetrics, type AuthOutcome, type Metrics } from '../../metrics/metrics.ts';

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
