// Liveness and readiness probes for orchestrators and load balancers.
import type { FastifyInstance } from 'fastify';
import { newReference } from '../../errors/incident.ts';
import type { HealthService } from '../../operations/health.ts';
import { Health } from '../../../../shared/src/schemas/api.ts';
import { problemResponses, sendProblem } from './problem.ts';

export async function healthRoutes(app: FastifyInstance, opts: { health: HealthService }): Promise<void> {
  const config = { access: 'public' as const };

  // Liveness says only that the event loop answers: restarting the process
  // would not fix a store that is down, so the store is not consulted here.
  app.get('/healthz', {
    config,
    schema: { tags: ['health'], summary: 'Liveness: the process answers', security: [], response: { 200: Health, ...problemResponses } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config,
    schema: { tags: ['health'], summary: 'Readiness: the store answers', security: [], response: { 200: Health, ...problemResponses } },
  }, async (request, reply) => {
    try {
      await opts.health.ready();
    } catch (err) {
      // The probe is public: the reason (which may name the database file) stays in the log, under the reference.
      const reference = newReference();
      request.log.warn({ err, ref: reference }, 'readiness check: store ping failed');
      return sendProblem(request, reply, { code: 'STOA_STORE_UNAVAILABLE', reference });
    }
    return { status: 'ok' as const };
  });
}
