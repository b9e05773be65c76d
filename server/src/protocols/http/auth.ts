// The one gate before every admin API handler: who is calling (session cookie
// or bearer token), whether the credential still holds (expiry, disabled or
// deleted account), CSRF for cookie requests, and the route's access level.
// Handlers run only for permitted callers and read `request.auth`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, Directory } from '../../directory/api.ts';
import { StoaError, isStoaError } from '../../errors/catalogue.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { ApiCredential } from '../../model/credential.ts';
import type { Account } from '../../../../shared/src/schemas/directory.ts';

/** public: no credential; user: any authenticated account; admin: domain or server admins only. */
export type Access = 'public' | 'user' | 'admin';

export interface RequestAuth {
  account: Account;
  actor: Actor;
  credential: ApiCredential;
  via: 'session' | 'token';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the auth gate for every non-public route. */
    auth: RequestAuth | null;
  }
}

export const SESSION_COOKIE = 'stoa_session';
export const CSRF_HEADER = 'x-stoa-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerSecret(header: string | undefined): string | undefined | null {
  if (header === undefined) return undefined;
  const m = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(header);
  return m ? m[1] : null;
}

/** Cookie-authenticated unsafe requests must prove they come from our own pages. */
function csrfSatisfied(request: FastifyRequest): boolean {
  if (request.headers[CSRF_HEADER] === '1') return true;
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin === `${request.protocol}://${request.host}`;
}

export function cookieOptions(config: StoaConfig, request: FastifyRequest, maxAgeSeconds?: number) {
  const secure = config.api.cookieSecure === 'always' || (config.api.cookieSecure === 'auto' && request.protocol === 'https');
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure, ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }) };
}

/** The authenticated caller; the gate guarantees it on every non-public route. */
export function authOf(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw new StoaError('STOA_UNAUTHENTICATED');
  return request.auth;
}

async function authPlugin(app: FastifyInstance, opts: { config: StoaConfig; directory: Directory }): Promise<void> {
  const { config, directory } = opts;
  app.decorateRequest('auth', null);

  async function resolve(request: FastifyRequest, reply: FastifyReply): Promise<RequestAuth> {
    const bearer = bearerSecret(request.headers.authorization);
    if (bearer === null) throw new StoaError('STOA_UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
    const via = bearer === undefined ? 'session' : 'token';
    const secret = bearer ?? request.cookies[SESSION_COOKIE];
    if (!secret) throw new StoaError('STOA_UNAUTHENTICATED');
    try {
      const { account, credential } = await directory.credentials.resolve(secret, via);
      return { account, actor: directory.actorFor(account, request.ip), credential, via };
    } catch (err) {
      // A dead session cookie is cleared so the browser stops sending it.
      if (via === 'session' && isStoaError(err, 'STOA_UNAUTHENTICATED')) reply.clearCookie(SESSION_COOKIE, cookieOptions(config, request));
      throw err;
    }
  }

  // onRequest runs before the body is read: unauthenticated callers cannot
  // make the server parse (or buffer) anything.
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'admin';
    if (access === 'public' || request.is404) return;
    const auth = await resolve(request, reply);
    if (auth.via === 'session' && !SAFE_METHODS.has(request.method) && !csrfSatisfied(request)) {
      throw new StoaError('STOA_FORBIDDEN', `Cookie-authenticated requests that change data need the header "X-Stoa-CSRF: 1"`);
    }
    if (access === 'admin' && auth.account.role === 'user') {
      throw new StoaError('STOA_FORBIDDEN', 'This route is for administrators');
    }
    request.auth = auth;
    // Every line this request logs names its caller ({ proto, conn, ip, user }, as for the mail protocols).
    request.log = request.log.child({ user: auth.account.address });
  });
}

export const authGate = fp(authPlugin, { name: 'stoa-auth', dependencies: ['@fastify/cookie'] });
