// The outbound queue for server admins: /api/v1/queue. The queue crosses
// every domain (one message may go to many), so domain admins get 403.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { StoaError } from '../../errors/catalogue.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import type { QueueSummary as StoredSummary, QueuedMessage as StoredMessage } from '../../store/queue-port.ts';
import {
  QueueDetail, QueueListQuery, QueueMessageParams, QueuePage, QueueRetryResult,
} from '../../../../shared/src/schemas/queue.ts';
import { NoContent } from '../../../../shared/src/schemas/api.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function messageJson(m: StoredMessage) {
  return { ...m, createdAt: iso(m.createdAt), expiresAt: iso(m.expiresAt), completedAt: isoOrNull(m.completedAt) };
}

function summaryJson(s: StoredSummary) {
  return { ...messageJson(s), recipientCount: s.recipientCount, pendingCount: s.pendingCount, nextAttemptAt: isoOrNull(s.nextAttemptAt) };
}

function serverAdminOnly(request: FastifyRequest): void {
  if (authOf(request).account.role !== 'server-admin') throw new StoaError('STOA_FORBIDDEN', 'The outbound queue is for server admins');
}

export async function queueRoutes(app: FastifyInstance, opts: { queue: QueueService }): Promise<void> {
  const { queue } = opts;
  const config = { access: 'admin' as const };
  type Params = { Params: Static<typeof QueueMessageParams> };

  app.get<{ Querystring: QueueListQuery }>('/queue', {
    config,
    schema: { tags: ['queue'], summary: 'Queued messages, newest first', querystring: QueueListQuery, response: { 200: QueuePage, ...problemResponses } },
  }, async (request) => {
    serverAdminOnly(request);
    const { offset = 0, limit = 50, ...filter } = request.query;
    const page = await queue.list(filter, offset, limit);
    return { ...page, items: page.items.map(summaryJson) };
  });

  app.get<Params>('/queue/:id', {
    config,
    schema: { tags: ['queue'], summary: 'One queued message with its recipients and attempt log', params: QueueMessageParams, response: { 200: QueueDetail, ...problemResponses } },
  }, async (request) => {
    serverAdminOnly(request);
    const d = await queue.inspect(request.params.id);
    return {
      message: messageJson(d.message),
      recipients: d.recipients.map(({ messageId: _m, updatedAt: _u, ...r }) => ({ ...r, nextAttemptAt: iso(r.nextAttemptAt), leaseUntil: isoOrNull(r.leaseUntil) })),
      attempts: d.attempts.map(({ messageId: _m, ...a }) => ({ ...a, at: iso(a.at) })),
    };
  });

  app.post<Params>('/queue/:id/retry', {
    config,
    schema: { tags: ['queue'], summary: 'Make every pending recipient due now', params: QueueMessageParams, response: { 200: QueueRetryResult, ...problemResponses } },
  }, async (request) => {
    serverAdminOnly(request);
    return { rescheduled: await queue.retryNow(request.params.id, authOf(request).actor) };
  });

  app.delete<Params>('/queue/:id', {
    config,
    schema: { tags: ['queue'], summary: 'Remove a message from the queue without notifying anyone', params: QueueMessageParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    serverAdminOnly(request);
    await queue.delete(request.params.id, authOf(request).actor);
    return reply.code(204).send();
  });
}
