// GET /metrics (Prometheus text format) and the request counters of every
// route, over the process's one Metrics (server/src/metrics/metrics.ts).
// The counters tell an outsider what the server does and how loaded it is,
// so by default only loopback clients read them (api.metrics, issue 16 item
// 12): a Prometheus on another host uses the bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import Type from 'typebox';
import type { ApiSettings } from '../../config/types.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import { isLoopback } from '../../model/ip-network.ts';
import { problemResponses, sendProblem } from './problem.ts';

type MetricsAccess = ApiSettings['metrics'];

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function bearerMatches(request: FastifyRequest, token: string | null): boolean {
  if (token === null) return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
  // Compared as digests: equal length, constant time.
  return m !== null && timingSafeEqual(digest(m[1]), digest(token));
}

/** Who may read /metrics: 'ok', or the problem code to answer. */
export function metricsAccess(request: FastifyRequest, settings: MetricsAccess): 'ok' | 'STOA_UNAUTHENTICATED' | 'STOA_FORBIDDEN' {
  if (settings.access === 'public' || bearerMatches(request, settings.token)) return 'ok';
  // request.ip is the client behind a trusted proxy (listeners.http.trustProxy), so a local proxy does not open the door.
  if (settings.access === 'loopback' && isLoopback(request.ip)) return 'ok';
  return settings.access === 'token' || settings.token !== null ? 'STOA_UNAUTHENTICATED' : 'STOA_FORBIDDEN';
}

/** Request counters for every route and GET /metrics. */
async function metricsPlugin(app: FastifyInstance, opts: { metrics: Metrics; access: MetricsAccess }): Promise<void> {
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
      summary: 'Prometheus metrics (text exposition format); loopback clients or the api.metrics token',
      security: [],
      response: { 200: Type.String({ description: 'Prometheus text format 0.0.4' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const verdict = metricsAccess(request, opts.access);
    if (verdict !== 'ok') {
      if (verdict === 'STOA_UNAUTHENTICATED') reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(request, reply, { code: verdict, detail: 'metrics are served to loopback clients, or with the api.metrics.token bearer token' });
    }
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}

// Not encapsulated: the onResponse hook must see every route of the server.
export const requestMetrics = fp(metricsPlugin, { name: 'stoa-metrics' });
