// The audit log, read-only: /api/v1/audit. Entries are written by the
// directory services themselves; a domain admin sees only entries of the
// domains granted to them (the service applies the scope).
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Directory } from '../../directory/api.ts';
import { AuditListQuery, AuditPage } from '../../../../shared/src/schemas/directory.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

export async function auditRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  app.get<{ Querystring: Static<typeof AuditListQuery> }>('/audit', {
    config: { access: 'admin' },
    schema: {
      tags: ['audit'], summary: 'Audit log entries visible to you, newest first by default',
      querystring: AuditListQuery,
      response: { 200: AuditPage, ...problemResponses },
    },
  }, async (request) => opts.directory.audit.list(authOf(request).actor, request.query));
}
