// The one gate before every admin API handler: who is calling (session cookie
// or bearer token), whether the credential still holds (expiry, disabled or
// deleted account), CSRF for cookie requests, and the route's access level.
// Handlers run only for permitted callers and read `request.auth`.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, Directory } from '../../directory/api.ts';
import { StoaError, isStoaError } from '../../errors/catalogue.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { ApiCredential, Store } from '../../store/port.ts';
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
const TOKEN_PREFIX = 'stoa_';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** lastUsedAt is a hint for the owner, not an audit trail: one write a minute per credential is plenty. */
const TOUCH_INTERVAL_MS = 60_000;

/** A new random credential secret (256 bits) and the id it is stored under. */
export function newSecret(kind: ApiCredential['kind']): { secret: string; id: string } {
  const raw = randomBytes(32).toString('base64url');
  const secret = kind === 'token' ? TOKEN_PREFIX + raw : raw;
  return { secret, id: credentialId(secret) };
}

/** Credentials are stored by the SHA-256 of their secret, so a database leak yields no usable secret. */
export function credentialId(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The account lookup behind a credential happens before any actor exists,
 * so it runs as the system; it only reads, and only the credential's owner.
 */
function lookupActor(ip: string): Actor {
  return { id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip };
}

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

/** Ends every console session of an account (after a password change), except optionally the caller's own. */
export async function revokeSessions(store: Store, accountId: string, keepId?: string): Promise<void> {
  const sessions = await store.credentials.listForAccount(accountId, 'session');
  for (const s of sessions) if (s.id !== keepId) await store.credentials.delete(s.id);
}

/** The authenticated caller; the gate guarantees it on every non-public route. */
export function authOf(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw new StoaError('STOA_UNAUTHENTICATED');
  return request.auth;
}

async function authPlugin(app: FastifyInstance, opts: { config: StoaConfig; store: Store; directory: Directory }): Promise<void> {
  const { config, store, directory } = opts;
  app.decorateRequest('auth', null);

  async function resolve(request: FastifyRequest, reply: FastifyReply): Promise<RequestAuth> {
    const bearer = bearerSecret(request.headers.authorization);
    if (bearer === null) throw new StoaError('STOA_UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
    const via = bearer === undefined ? 'session' : 'token';
    const secret = bearer ?? request.cookies[SESSION_COOKIE];
    if (!secret) throw new StoaError('STOA_UNAUTHENTICATED');

    const credential = await store.credentials.get(credentialId(secret));
    // A session cookie is not accepted as a bearer token, nor the reverse.
    if (!credential || credential.kind !== via) throw new StoaError('STOA_UNAUTHENTICATED', 'The session or token is not valid');
    const now = Date.now();
    const forget = async (detail: string): Promise<never> => {
      await store.credentials.delete(credential.id);
      if (via === 'session') reply.clearCookie(SESSION_COOKIE, cookieOptions(config, request));
      throw new StoaError('STOA_UNAUTHENTICATED', detail);
    };
    if (credential.expiresAt !== null && Date.parse(credential.expiresAt) <= now) return forget('The session or token has expired');

    let account: Account;
    try {
      account = await directory.accounts.get(lookupActor(request.ip), credential.accountId);
    } catch (err) {
      if (isStoaError(err, 'STOA_NOT_FOUND')) return forget('The account no longer exists');
      throw err;
    }
    // Kept (not deleted) so that re-enabling the account restores its tokens.
    if (!account.enabled) throw new StoaError('STOA_UNAUTHENTICATED', 'The account is disabled');

    if (credential.lastUsedAt === null || now - Date.parse(credential.lastUsedAt) >= TOUCH_INTERVAL_MS) {
      await store.credentials.touch(credential.id, new Date(now).toISOString());
    }
    return { account, actor: directory.actorFor(account, request.ip), credential, via };
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
  });
}

export const authGate = fp(authPlugin, { name: 'stoa-auth', dependencies: ['@fastify/cookie'] });
