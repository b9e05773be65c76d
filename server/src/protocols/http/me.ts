// Self-service for every authenticated account: /api/v1/me. A plain user
// reaches only these (and /session, /tokens); the directory still checks the
// actor on each call.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Directory } from '../../directory/api.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { Account, AppPasswordCreate, AppPasswordCreated } from '../../../../shared/src/schemas/directory.ts';
import { AppPasswordIdParams, AppPasswordList, LocationHeader, MeUpdate, NoContent, OwnPasswordChange } from '../../../../shared/src/schemas/api.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

export async function meRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  const { directory } = opts;
  const config = { access: 'user' as const };

  app.get('/me', {
    config,
    schema: { tags: ['me'], summary: 'Your account', response: { 200: Account, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return directory.accounts.get(actor, account.id);
  });

  app.patch<{ Body: Static<typeof MeUpdate> }>('/me', {
    config,
    schema: {
      tags: ['me'], summary: 'Change your display name and forwarding',
      body: MeUpdate,
      response: { 200: Account, ...problemResponses },
    },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return directory.accounts.update(actor, account.id, request.body);
  });

  app.put<{ Body: Static<typeof OwnPasswordChange> }>('/me/password', {
    config,
    schema: {
      tags: ['me'], summary: 'Change your password (the current one is required); ends your other sessions',
      body: OwnPasswordChange,
      response: { 204: NoContent, ...problemResponses },
    },
  }, async (request, reply) => {
    const { actor, account, credential } = authOf(request);
    // Through the authentication service, so guessing the current password
    // from a stolen session is throttled like any other login.
    const check = await directory.auth.authenticate({ username: account.address, password: request.body.currentPassword, protocol: 'api', ip: request.ip });
    const ok = check.ok && check.account.id === account.id;
    if (!check.ok && check.code === 'STOA_AUTH_THROTTLED') {
      throw new StoaError('STOA_AUTH_THROTTLED', undefined, { retryAfterSeconds: check.retryAfterSeconds });
    }
    // The directory that owns the account cannot be asked: the current password is unknown, not wrong (503).
    if (!check.ok && check.code === 'STOA_AUTH_UNAVAILABLE') throw new StoaError('STOA_AUTH_UNAVAILABLE');
    if (!ok) {
      throw new StoaError('STOA_VALIDATION', 'The current password is wrong', { errors: [{ path: '/body/currentPassword', message: 'is wrong' }] });
    }
    await directory.accounts.setPassword(actor, account.id, request.body.password, { keepCredentialId: credential.id });
    return reply.code(204).send();
  });

  app.get('/me/app-passwords', {
    config,
    schema: { tags: ['me'], summary: 'Your app passwords', response: { 200: AppPasswordList, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return { items: await directory.appPasswords.list(actor, account.id) };
  });

  app.post<{ Body: Static<typeof AppPasswordCreate> }>('/me/app-passwords', {
    config,
    schema: {
      tags: ['me'], summary: 'Create an app password for a mail or calendar client; the secret is shown only in this response',
      body: AppPasswordCreate,
      response: { 201: { ...AppPasswordCreated, headers: LocationHeader }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { actor, account } = authOf(request);
    const created = await directory.appPasswords.create(actor, account.id, request.body.name);
    return reply.code(201).header('location', `/api/v1/me/app-passwords/${encodeURIComponent(created.appPassword.id)}`).send(created);
  });

  app.delete<{ Params: Static<typeof AppPasswordIdParams> }>('/me/app-passwords/:appId', {
    config,
    schema: {
      tags: ['me'], summary: 'Revoke one of your app passwords',
      params: AppPasswordIdParams,
      response: { 204: NoContent, ...problemResponses },
    },
  }, async (request, reply) => {
    const { actor, account } = authOf(request);
    await directory.appPasswords.revoke(actor, account.id, request.params.appId);
    return reply.code(204).send();
  });
}
