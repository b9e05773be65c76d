// The outbound queue: /api/v1/queue. Who sees what is the queue service's
// rule: server admins every message, domain admins those sent from their
// domains (others answer 404), users 403.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { QueueService } from '../../queue/queue-service.ts';
import type { QueueSummary as StoredSummary, QueuedMessage as StoredMessage } from '../../model/queue.ts';
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

export async function queueRoutes(app: FastifyInstance, opts: { queue: QueueService }): Promise<void> {
  const { queue } = opts;
  const config = { access: 'admin' as const };
  type Params = { Params: Static<typeof QueueMessageParams> };

  app.get<{ Querystring: QueueListQuery }>('/queue', {
    config,
    schema: { tags: ['queue'], summary: 'Queued messages, newest first', querystring: QueueListQuery, response: { 200: QueuePage, ...problemResponses } },
  }, async (request) => {
    const { offset = 0, limit = 50, ...filter } = request.query;
    const page = await queue.list(authOf(request).actor, filter, offset, limit);
    return { ...page, items: page.items.map(summaryJson) };
  });

  app.get<Params>('/queue/:id', {
    config,
    schema: { tags: ['queue'], summary: 'One queued message with its recipients and attempt log', params: QueueMessageParams, response: { 200: QueueDetail, ...problemResponses } },
  }, async (request) => {
    const d = await queue.inspect(authOf(request).actor, request.params.id);
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
    return { rescheduled: await queue.retryNow(authOf(request).actor, request.params.id) };
  });

  app.delete<Params>('/queue/:id', {
    config,
    schema: { tags: ['queue'], summary: 'Remove a message from the queue without notifying anyone', params: QueueMessageParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await queue.delete(authOf(request).actor, request.params.id);
    return reply.code(204).send();
  });
}
