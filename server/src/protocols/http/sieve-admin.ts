// Admin Sieve routes (issue 10): a user's out-of-office (for leavers and
// long absences) and a domain's global script, run before every user's
// script of the domain, with its forwarding policy. Plain users are refused
// by the gate; the Sieve service scopes domain admins to their domains.
import type { FastifyInstance } from 'fastify';
import type { SieveService } from '../../sieve/sieve-service.ts';
import { ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { DomainSieve, OutOfOffice, OutOfOfficeView } from '../../../../shared/src/schemas/sieve.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

type Params = { id: string };

export async function sieveAdminRoutes(app: FastifyInstance, opts: { sieve: SieveService }): Promise<void> {
  const { sieve } = opts;
  const config = { access: 'admin' as const };

  app.get<{ Params: Params }>('/accounts/:id/out-of-office', {
    config, schema: { tags: ['accounts'], summary: 'A user\'s out-of-office reply', params: ObjectParams, response: { 200: OutOfOfficeView, ...problemResponses } },
  }, async (request) => sieve.getOutOfOffice(authOf(request).actor, request.params.id));

  app.put<{ Params: Params; Body: OutOfOffice }>('/accounts/:id/out-of-office', {
    config, schema: { tags: ['accounts'], summary: 'Set a user\'s out-of-office reply (for leavers); it becomes their active script', params: ObjectParams, body: OutOfOffice, response: { 200: OutOfOfficeView, ...problemResponses } },
  }, async (request) => sieve.setOutOfOffice(authOf(request).actor, request.params.id, request.body));

  app.get<{ Params: Params }>('/domains/:id/sieve', {
    config, schema: { tags: ['domains'], summary: 'The domain\'s global Sieve script and forwarding policy', params: ObjectParams, response: { 200: DomainSieve, ...problemResponses } },
  }, async (request) => sieve.getDomain(authOf(request).actor, request.params.id));

  app.put<{ Params: Params; Body: DomainSieve }>('/domains/:id/sieve', {
    config, schema: { tags: ['domains'], summary: 'Set the domain\'s global Sieve script (run before each user\'s; null removes it) and forwarding policy', params: ObjectParams, body: DomainSieve, response: { 200: DomainSieve, ...problemResponses } },
  }, async (request) => sieve.setDomain(authOf(request).actor, request.params.id, request.body));
}
