// Console sessions (cookie) and API tokens (bearer) for the calling account.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { Directory } from '../../directory/api.ts';
import { StoaError, isStoaError } from '../../errors/catalogue.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { ApiCredential } from '../../store/port.ts';
import { ApiToken, ApiTokenCreate, LoginRequest } from '../../../../shared/src/schemas/directory.ts';
import { ApiTokenCreated, ApiTokenList, LocationHeader, NoContent, SessionInfo, TokenParams } from '../../../../shared/src/schemas/api.ts';
import { SESSION_COOKIE, authOf, cookieOptions, type RequestAuth } from './auth.ts';
import { countAuthAttempt, type AuthOutcome, type Metrics } from './metrics.ts';
import { problemResponses } from './problem.ts';

const OUTCOME = { STOA_AUTH_FAILED: 'failed', STOA_AUTH_THROTTLED: 'throttled', STOA_ACCOUNT_DISABLED: 'disabled', STOA_AUTH_UNAVAILABLE: 'failed' } as const satisfies Record<string, AuthOutcome>;

function tokenView(c: ApiCredential): ApiToken {
  return { id: c.id, name: c.name, createdAt: c.createdAt, expiresAt: c.expiresAt, lastUsedAt: c.lastUsedAt };
}

export async function sessionRoutes(app: FastifyInstance, opts: { config: StoaConfig; directory: Directory; metrics: Metrics }): Promise<void> {
  const { config, directory, metrics } = opts;

  async function sessionInfo(auth: RequestAuth): Promise<SessionInfo> {
    const adminDomains: SessionInfo['adminDomains'] = [];
    if (auth.account.role === 'domain-admin') {
      for (const id of auth.account.adminDomainIds) {
        try {
          const d = await directory.domains.get(auth.actor, id);
          adminDomains.push({ id: d.id, name: d.name, unicodeName: d.unicodeName });
        } catch (err) {
          // A granted domain deleted since the grant is simply no longer listed.
          if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
        }
      }
    }
    return { account: auth.account, role: auth.account.role, adminDomains, via: auth.via };
  }

  app.post<{ Body: Static<typeof LoginRequest> }>('/session', {
    config: { access: 'public' },
    schema: {
      tags: ['session'], summary: 'Log in: sets the stoa_session cookie', security: [],
      body: LoginRequest,
      response: { 200: SessionInfo, ...problemResponses },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const result = await directory.auth.authenticate({ username, password, protocol: 'api', ip: request.ip });
    if (!result.ok) {
      countAuthAttempt(metrics, 'api', OUTCOME[result.code]);
      throw new StoaError(result.code, undefined, { retryAfterSeconds: result.retryAfterSeconds });
    }
    // App passwords are for mail and DAV clients; they must not open an
    // admin session that could change the real password or mint tokens.
    if (result.via === 'app-password') {
      countAuthAttempt(metrics, 'api', 'failed');
      throw new StoaError('STOA_AUTH_FAILED', 'App passwords cannot log in to the admin API');
    }
    countAuthAttempt(metrics, 'api', 'success');

    // A fresh secret at every login; any session the browser still carried is
    // ended, so a planted cookie never becomes an authenticated one.
    const ttlMs = config.api.sessionTtlHours * 3_600_000;
    const { secret, credential } = await directory.credentials.openSession(result.account, {
      userAgent: request.headers['user-agent'] ?? 'session', ttlMs, replacingSecret: request.cookies[SESSION_COOKIE],
    });
    reply.setCookie(SESSION_COOKIE, secret, cookieOptions(config, request, Math.floor(ttlMs / 1000)));
    return sessionInfo({ account: result.account, actor: directory.actorFor(result.account, request.ip), credential, via: 'session' });
  });

  app.get('/session', {
    config: { access: 'user' },
    schema: { tags: ['session'], summary: 'Who am I: account, role and administered domains', response: { 200: SessionInfo, ...problemResponses } },
  }, async (request) => sessionInfo(authOf(request)));

  app.delete('/session', {
    config: { access: 'user' },
    schema: { tags: ['session'], summary: 'Log out: ends the current session', response: { 204: NoContent, ...problemResponses } },
  }, async (request: FastifyRequest, reply) => {
    const auth = authOf(request);
    if (auth.via === 'session') await directory.credentials.closeSession(auth.credential.id);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(config, request));
    return reply.code(204).send();
  });

  app.post<{ Body: Static<typeof ApiTokenCreate> }>('/tokens', {
    config: { access: 'user' },
    schema: {
      tags: ['session'], summary: 'Create an API token for yourself; the secret is shown only in this response',
      body: ApiTokenCreate,
      response: { 201: { ...ApiTokenCreated, headers: LocationHeader }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { credential, secret } = await directory.credentials.createToken(authOf(request).actor, request.body);
    return reply.code(201).header('location', `/api/v1/tokens/${credential.id}`).send({ token: tokenView(credential), secret });
  });

  app.get('/tokens', {
    config: { access: 'user' },
    schema: { tags: ['session'], summary: 'Your API tokens', response: { 200: ApiTokenList, ...problemResponses } },
  }, async (request) => {
    const tokens = await directory.credentials.listTokens(authOf(request).actor);
    return { items: tokens.map(tokenView) };
  });

  app.delete<{ Params: Static<typeof TokenParams> }>('/tokens/:id', {
    config: { access: 'user' },
    schema: { tags: ['session'], summary: 'Revoke one of your API tokens', params: TokenParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await directory.credentials.revokeToken(authOf(request).actor, request.params.id);
    return reply.code(204).send();
  });
}
