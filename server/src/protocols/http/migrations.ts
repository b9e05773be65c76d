// Migration jobs: /api/v1/migrations (issue 15). Start an import (it runs
// in this server, progress in the job's live report), list and follow jobs
// (also those `stoa migrate` runs beside the server), cancel one. Server
// admins see every job; domain admins the jobs whose accounts are all in
// their domains; users get 403 (route access "admin"). The rights are the
// job service's (migration-jobs/job-service.ts).
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { MigrationCreate, MigrationJob, MigrationJobPage, MigrationJobParams, MigrationListQuery } from '../../../../shared/src/schemas/migrations.ts';
import type { MigrationRunner } from '../../migration-jobs/job-runner.ts';
import type { MigrationJobService } from '../../migration-jobs/job-service.ts';
import type { MigrationJobRecord } from '../../model/migration.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

const FILE_TYPES = new Set(['pst', 'mbox', 'maildir', 'eml', 'ics', 'vcf', 'csv']);

/** The spec as stored: the request without a single secret. */
function specOf(body: MigrationCreate) {
  return {
    source: body.source,
    users: body.users.map(({ sourceSecret: _s, accountPassword: _p, ...u }) => u),
    ...(body.options ? { options: body.options } : {}),
  };
}

/** What only this process keeps (migration/src/job-spec.ts JobSecrets). */
function secretsOf(body: MigrationCreate) {
  return {
    admin: body.adminSecret ?? null,
    users: body.users.map((u) => u.sourceSecret ?? null),
    accountPasswords: body.users.map((u) => u.accountPassword ?? null),
  };
}

const json = (job: MigrationJobRecord) => job;

export async function migrationRoutes(app: FastifyInstance, opts: { jobs: MigrationJobService; runner: MigrationRunner }): Promise<void> {
  const { jobs, runner } = opts;
  const config = { access: 'admin' as const };
  type Params = { Params: Static<typeof MigrationJobParams> };

  app.post<{ Body: MigrationCreate }>('/migrations', {
    config,
    schema: {
      tags: ['migrations'], summary: 'Start importing mailboxes, calendars and contacts from another server or from files on this server',
      body: MigrationCreate, response: { 202: MigrationJob, ...problemResponses },
    },
  }, async (request, reply) => {
    const body = request.body;
    const job = await runner.submit(authOf(request).actor, {
      spec: specOf(body), secrets: secretsOf(body), targets: body.users.map((u) => u.target),
      readsServerFiles: FILE_TYPES.has(body.source.type),
    });
    return reply.code(202).header('location', `/api/v1/migrations/${job.id}`).send(json(job));
  });

  app.get<{ Querystring: MigrationListQuery }>('/migrations', {
    config,
    schema: { tags: ['migrations'], summary: 'Migration jobs, newest first, with their live reports', querystring: MigrationListQuery, response: { 200: MigrationJobPage, ...problemResponses } },
  }, async (request) => {
    const page = await jobs.list(authOf(request).actor, request.query);
    return { ...page, items: page.items.map(json) };
  });

  app.get<Params>('/migrations/:id', {
    config,
    schema: { tags: ['migrations'], summary: 'One migration job: progress while it runs, the final report per user and folder when it ends', params: MigrationJobParams, response: { 200: MigrationJob, ...problemResponses } },
  }, async (request) => json(await jobs.get(authOf(request).actor, request.params.id)));

  app.post<Params>('/migrations/:id/cancel', {
    config,
    schema: { tags: ['migrations'], summary: 'Stop a queued or running job (it stops between two batches; a later run resumes without duplicates)', params: MigrationJobParams, response: { 200: MigrationJob, ...problemResponses } },
  }, async (request) => json(await jobs.cancel(authOf(request).actor, request.params.id)));
}
