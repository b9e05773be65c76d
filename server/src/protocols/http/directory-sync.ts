// External directories (LDAP/AD) for server admins: /api/v1/directory/...
// connections, the connection test, on-demand and dry-run syncs, the sync
// history, and the decision about an account its directory no longer has.
// The directory's service checks the role itself (server admins only).
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Directory } from '../../directory/api.ts';
import {
  DirectoryConnection, DirectoryConnectionCreate, DirectoryConnectionList, DirectoryConnectionUpdate, DirectoryTestResult,
  MissingDecision, SyncRequest, SyncRun, SyncRunPage, SyncRunQuery,
} from '../../../../shared/src/schemas/directory-sync.ts';
import { LocationHeader, NoContent, ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

type Ref = { Params: Static<typeof ObjectParams> };

export async function directorySyncRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  const service = opts.directory.ldap;
  const config = { access: 'admin' as const };
  const tags = ['directory-sync'];

  app.get('/directory/connections', {
    config, schema: { tags, summary: 'LDAP/AD directory connections', response: { 200: DirectoryConnectionList, ...problemResponses } },
  }, async (request) => ({ items: await service.list(authOf(request).actor) }));

  app.post<{ Body: Static<typeof DirectoryConnectionCreate> }>('/directory/connections', {
    config,
    schema: { tags, summary: 'Add a directory connection (the bind password is stored sealed, or named as an environment variable)', body: DirectoryConnectionCreate, response: { 201: { ...DirectoryConnection, headers: LocationHeader }, ...problemResponses } },
  }, async (request, reply) => {
    const created = await service.create(authOf(request).actor, request.body);
    return reply.code(201).header('location', `/api/v1/directory/connections/${encodeURIComponent(created.id)}`).send(created);
  });

  app.get<Ref>('/directory/connections/:id', {
    config, schema: { tags, summary: 'One directory connection, by id or name', params: ObjectParams, response: { 200: DirectoryConnection, ...problemResponses } },
  }, async (request) => service.get(authOf(request).actor, request.params.id));

  app.patch<Ref & { Body: Static<typeof DirectoryConnectionUpdate> }>('/directory/connections/:id', {
    config, schema: { tags, summary: 'Change a directory connection', params: ObjectParams, body: DirectoryConnectionUpdate, response: { 200: DirectoryConnection, ...problemResponses } },
  }, async (request) => service.update(authOf(request).actor, request.params.id, request.body));

  app.delete<Ref>('/directory/connections/:id', {
    config, schema: { tags, summary: 'Remove a directory connection that no account, group or alias is linked to', params: ObjectParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await service.delete(authOf(request).actor, request.params.id);
    return reply.code(204).send();
  });

  app.post<Ref>('/directory/connections/:id/test', {
    config, schema: { tags, summary: 'Test the connection: bind, count users and groups, show sample entries', params: ObjectParams, response: { 200: DirectoryTestResult, ...problemResponses } },
  }, async (request) => service.test(authOf(request).actor, request.params.id));

  app.post<Ref & { Body: Static<typeof SyncRequest> | undefined }>('/directory/connections/:id/sync', {
    config, schema: { tags, summary: 'Sync now (full by default), or report what a sync would change (dryRun)', params: ObjectParams, body: SyncRequest, response: { 200: SyncRun, ...problemResponses } },
  }, async (request) => service.sync(authOf(request).actor, request.params.id, { mode: request.body?.mode ?? 'full', dryRun: request.body?.dryRun ?? false, trigger: 'manual' }));

  app.get<Ref & { Querystring: Static<typeof SyncRunQuery> }>('/directory/connections/:id/runs', {
    config, schema: { tags, summary: 'Sync history, newest first', params: ObjectParams, querystring: SyncRunQuery, response: { 200: SyncRunPage, ...problemResponses } },
  }, async (request) => service.runs(authOf(request).actor, request.params.id, request.query.offset ?? 0, request.query.limit ?? 20));

  app.post<Ref & { Body: Static<typeof MissingDecision> }>('/directory/accounts/:id/resolve', {
    config, schema: { tags, summary: 'Decide about a directory account: detach it (keep it as a local account) or delete it', params: ObjectParams, body: MissingDecision, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await service.resolve(authOf(request).actor, request.params.id, request.body.action);
    return reply.code(204).send();
  });
}
