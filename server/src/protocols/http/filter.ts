// The filter in the admin API: /api/v1/filter for admins (quarantine, stored
// verdicts with their explanation, rules and thresholds, classifier training
// from corpora) and /api/v1/me/quarantine for users managing their own held
// mail where their domain allows it. The services scope every call: a domain
// admin sees only their domains, a user only their own copies.
import type { FastifyInstance } from 'fastify';
import type { FilterService } from '../../filter/filter-service.ts';
import { RULES } from '../../filter/rules.ts';
import type { QuarantineEntry, StoredVerdict } from '../../model/filter.ts';
import { NoContent } from '../../../../shared/src/schemas/api.ts';
import {
  FilterObjectParams, QuarantineEntry as QuarantineSchema, QuarantineListQuery, QuarantinePage, RuleList, TrainRequest, TrainResult,
  Verdict, VerdictListQuery, VerdictPage,
} from '../../../../shared/src/schemas/filter.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

function entryJson(e: QuarantineEntry) {
  return { ...e, heldAt: iso(e.heldAt), expiresAt: iso(e.expiresAt), resolvedAt: e.resolvedAt === null ? null : iso(e.resolvedAt) };
}

/** A verdict with every rule's meaning: the console's "why was this filed in Junk". */
function verdictJson(v: StoredVerdict) {
  const described = (rule: string): string | undefined => (RULES as Record<string, { description: string }>)[rule]?.description;
  return { ...v, at: iso(v.at), rules: v.rules.map((r) => ({ ...r, ...(described(r.rule) ? { description: described(r.rule) } : {}) })) };
}

type IdParams = { Params: { id: string } };

export async function filterRoutes(app: FastifyInstance, opts: { filter: FilterService; config: { thresholds: { tag: number; junk: number; quarantine: number; reject: number }; scores: Record<string, number> } }): Promise<void> {
  const { filter } = opts;
  const admin = { access: 'admin' as const };
  const user = { access: 'user' as const };
  const tags = ['filter'];

  app.get<{ Querystring: QuarantineListQuery }>('/filter/quarantine', {
    config: admin,
    schema: { tags, summary: 'Held messages of the domains you manage, newest first', querystring: QuarantineListQuery, response: { 200: QuarantinePage, ...problemResponses } },
  }, async (request) => {
    const { offset = 0, limit = 50, status } = request.query;
    const page = await filter.quarantine.list(authOf(request).actor, { offset, limit, status });
    return { ...page, items: page.items.map(entryJson) };
  });

  app.get<IdParams>('/filter/quarantine/:id', {
    config: admin,
    schema: { tags, summary: 'One held message', params: FilterObjectParams, response: { 200: QuarantineSchema, ...problemResponses } },
  }, async (request) => entryJson(await filter.quarantine.get(authOf(request).actor, request.params.id)));

  app.get<IdParams>('/filter/quarantine/:id/message', {
    config: admin,
    schema: { tags, summary: 'The held message itself (message/rfc822), for inspection', params: FilterObjectParams, response: { 200: { type: 'string', description: 'RFC 5322 message' }, ...problemResponses } },
  }, async (request, reply) => {
    const raw = await filter.quarantine.content(authOf(request).actor, request.params.id);
    return reply.type('message/rfc822').send(raw);
  });

  app.post<IdParams>('/filter/quarantine/:id/release', {
    config: admin,
    schema: { tags, summary: 'Deliver a held message to its recipients', params: FilterObjectParams, response: { 200: QuarantineSchema, ...problemResponses } },
  }, async (request) => entryJson(await filter.quarantine.release(authOf(request).actor, request.params.id)));

  app.delete<IdParams>('/filter/quarantine/:id', {
    config: admin,
    schema: { tags, summary: 'Delete a held message', params: FilterObjectParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await filter.quarantine.delete(authOf(request).actor, request.params.id);
    return reply.code(204).send();
  });

  app.get<{ Querystring: VerdictListQuery }>('/filter/verdicts', {
    config: admin,
    schema: { tags, summary: 'Stored filter verdicts (find one by Message-ID or sender), newest first', querystring: VerdictListQuery, response: { 200: VerdictPage, ...problemResponses } },
  }, async (request) => {
    const { offset = 0, limit = 50, ...q } = request.query;
    const page = await filter.verdicts.list(authOf(request).actor, { ...q, offset, limit });
    return { ...page, items: page.items.map(verdictJson) };
  });

  app.get<IdParams>('/filter/verdicts/:id', {
    config: admin,
    schema: { tags, summary: 'Why a message got its verdict: every rule that fired, with score and meaning (the id is in its X-Stoa-Spam header)', params: FilterObjectParams, response: { 200: Verdict, ...problemResponses } },
  }, async (request) => verdictJson(await filter.verdicts.get(authOf(request).actor, request.params.id)));

  app.get('/filter/rules', {
    config: admin,
    schema: { tags, summary: 'Every rule with its configured score, the thresholds, and the checks in run order', response: { 200: RuleList, ...problemResponses } },
  }, async () => ({
    items: Object.entries(RULES).map(([rule, spec]) => ({ rule, score: opts.config.scores[rule] ?? spec.score, description: spec.description })),
    thresholds: opts.config.thresholds,
    checks: filter.pipeline.checks.map((c) => ({ name: c.name, stage: c.stage, directions: [...c.directions], timeoutMs: c.timeoutMs, onError: c.onError })),
  }));

  app.post<{ Body: TrainRequest }>('/filter/train', {
    config: admin,
    schema: { tags, summary: 'Train the classifier with one message of a corpus (a domain\'s, an account\'s, or the global one)', body: TrainRequest, response: { 200: TrainResult, ...problemResponses } },
  }, async (request) => filter.train(authOf(request).actor, Buffer.from(request.body.message, 'base64'), request.body.class, request.body.scope));

  // Self-service: users' own held mail, where the domain lets them (filter.quarantine.userRelease).
  app.get<{ Querystring: QuarantineListQuery }>('/me/quarantine', {
    config: user,
    schema: { tags: ['me'], summary: 'Your held messages', querystring: QuarantineListQuery, response: { 200: QuarantinePage, ...problemResponses } },
  }, async (request) => {
    const { offset = 0, limit = 50, status } = request.query;
    const actor = authOf(request).actor;
    const page = await filter.quarantine.list({ ...actor, role: 'user' }, { offset, limit, status });
    return { ...page, items: page.items.map(entryJson) };
  });

  app.post<IdParams>('/me/quarantine/:id/release', {
    config: user,
    schema: { tags: ['me'], summary: 'Deliver one of your held messages to your INBOX', params: FilterObjectParams, response: { 200: QuarantineSchema, ...problemResponses } },
  }, async (request) => entryJson(await filter.quarantine.release({ ...authOf(request).actor, role: 'user' }, request.params.id)));

  app.delete<IdParams>('/me/quarantine/:id', {
    config: user,
    schema: { tags: ['me'], summary: 'Delete one of your held messages', params: FilterObjectParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await filter.quarantine.delete({ ...authOf(request).actor, role: 'user' }, request.params.id);
    return reply.code(204).send();
  });

  app.post<{ Body: TrainRequest }>('/me/filter/train', {
    config: user,
    schema: { tags: ['me'], summary: 'Teach your own classifier that a message is spam or not', body: TrainRequest, response: { 200: TrainResult, ...problemResponses } },
  }, async (request) => filter.train(authOf(request).actor, Buffer.from(request.body.message, 'base64'), request.body.class));
}
