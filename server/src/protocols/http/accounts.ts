// Account admin routes: /api/v1/accounts, plus password, role and app
// passwords of an account. The directory enforces the actor's domain scope
// and that only a server admin grants roles.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Directory } from '../../directory/api.ts';
import {
  Account, AccountCreate, AccountListQuery, AccountPage, AccountUpdate, AppPasswordCreate, AppPasswordCreated, PasswordSet, RoleGrant,
} from '../../../../shared/src/schemas/directory.ts';
import { AccountAppPasswordParams, AppPasswordList, LocationHeader, NoContent, ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { AccountBulkRequest, AccountBulkResult, AccountImportReport, AccountImportRequest } from '../../../../shared/src/schemas/bulk.ts';
import type { AccountBulkService } from '../../directory/account-bulk.ts';
import { authOf } from './auth.ts';
import { registerCrudRoutes } from './crud-routes.ts';
import { problemResponses } from './problem.ts';

type Ref = Static<typeof ObjectParams>;

export async function accountsRoutes(app: FastifyInstance, opts: { directory: Directory; bulk: AccountBulkService }): Promise<void> {
  const { directory, bulk } = opts;
  const accounts = directory.accounts;
  const config = { access: 'admin' as const };

  // Before the CRUD routes' /accounts/:id, so "bulk" and "import" are never read as an account id.
  app.post<{ Body: Static<typeof AccountBulkRequest> }>('/accounts/bulk', {
    config,
    schema: {
      tags: ['accounts'], summary: 'Disable or enable many accounts; one result per account (others are still changed when one fails)',
      body: AccountBulkRequest, response: { 200: AccountBulkResult, ...problemResponses },
    },
  }, async (request) => {
    const items = await bulk.setEnabled(authOf(request).actor, request.body.ids, request.body.action === 'enable');
    return { items, changed: items.filter((i) => i.ok).length, failed: items.filter((i) => !i.ok).length };
  });

  app.post<{ Body: Static<typeof AccountImportRequest> }>('/accounts/import', {
    config,
    // A CSV of 10,000 accounts is larger than the API's usual body limit.
    bodyLimit: 9 * 1024 * 1024,
    schema: {
      tags: ['accounts'], summary: 'Import accounts from CSV; dryRun reports every row and creates nothing; any invalid row means nothing is created',
      body: AccountImportRequest, response: { 200: AccountImportReport, ...problemResponses },
    },
  }, async (request) => bulk.importCsv(authOf(request).actor, request.body.csv, { dryRun: request.body.dryRun }));

  registerCrudRoutes(app, {
    path: '/accounts', tag: 'accounts', noun: 'account',
    service: accounts,
    schemas: { item: Account, create: AccountCreate, update: AccountUpdate, listQuery: AccountListQuery, page: AccountPage },
  });

  app.put<{ Params: Ref; Body: Static<typeof PasswordSet> }>('/accounts/:id/password', {
    config,
    schema: {
      tags: ['accounts'], summary: "Set an account's password; ends that account's console sessions, API tokens and open mail sessions",
      params: ObjectParams, body: PasswordSet,
      response: { 204: NoContent, ...problemResponses },
    },
  }, async (request, reply) => {
    const auth = authOf(request);
    const target = await accounts.get(auth.actor, request.params.id);
    // The service ends the account's sessions and tokens; the admin's own session survives.
    await accounts.setPassword(auth.actor, target.id, request.body.password, { keepCredentialId: auth.credential.id });
    return reply.code(204).send();
  });

  app.put<{ Params: Ref; Body: Static<typeof RoleGrant> }>('/accounts/:id/role', {
    config,
    schema: {
      tags: ['accounts'], summary: 'Grant a role (server admins only); domain-admin takes the domains it manages',
      params: ObjectParams, body: RoleGrant,
      response: { 200: Account, ...problemResponses },
    },
  }, async (request) => accounts.grantRole(authOf(request).actor, request.params.id, request.body));

  app.get<{ Params: Ref }>('/accounts/:id/app-passwords', {
    config,
    schema: {
      tags: ['accounts'], summary: "An account's app passwords (for mail and DAV clients)",
      params: ObjectParams,
      response: { 200: AppPasswordList, ...problemResponses },
    },
  }, async (request) => ({ items: await directory.appPasswords.list(authOf(request).actor, request.params.id) }));

  app.post<{ Params: Ref; Body: Static<typeof AppPasswordCreate> }>('/accounts/:id/app-passwords', {
    config,
    schema: {
      tags: ['accounts'], summary: 'Create an app password; the secret is shown only in this response',
      params: ObjectParams, body: AppPasswordCreate,
      response: { 201: { ...AppPasswordCreated, headers: LocationHeader }, ...problemResponses },
    },
  }, async (request, reply) => {
    const created = await directory.appPasswords.create(authOf(request).actor, request.params.id, request.body.name);
    const location = `/api/v1/accounts/${encodeURIComponent(created.appPassword.accountId)}/app-passwords/${encodeURIComponent(created.appPassword.id)}`;
    return reply.code(201).header('location', location).send(created);
  });

  app.delete<{ Params: Static<typeof AccountAppPasswordParams> }>('/accounts/:id/app-passwords/:appId', {
    config,
    schema: {
      tags: ['accounts'], summary: 'Revoke an app password',
      params: AccountAppPasswordParams,
      response: { 204: NoContent, ...problemResponses },
    },
  }, async (request, reply) => {
    await directory.appPasswords.revoke(authOf(request).actor, request.params.id, request.params.appId);
    return reply.code(204).send();
  });
}
