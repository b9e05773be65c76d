// Who is calling: HTTP Basic (RFC 7617) through the one authentication
// service (throttled like every login, LDAP/AD verifiers included), or the
// admin API's session cookie for the console (with its CSRF header on
// requests that change data). Basic over plain HTTP follows dav.plaintextAuth.
// A verified credential is remembered for dav.authCacheSeconds as an HMAC
// under a per-process random key, so a sync of hundreds of requests runs
// argon2id once; the account is still read (enabled, role) on every request.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../../config/types.ts';
import { systemActor } from '../../directory/access.ts';
import type { Actor, Directory } from '../../directory/api.ts';
import { StoaError, isStoaError } from '../../errors/catalogue.ts';

const SESSION_COOKIE = 'stoa_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT']);

export interface DavAuth {
  authenticate(request: FastifyRequest): Promise<{ account: Account; actor: Actor }>;
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function createDavAuth(opts: { config: StoaConfig; directory: Directory; now?: () => number }): DavAuth {
  const { config, directory } = opts;
  const now = opts.now ?? Date.now;
  const key = randomBytes(32);
  const cache = new Map<string, { accountId: string; until: number }>();
  const ttl = config.dav.authCacheSeconds * 1000;

  async function live(accountId: string): Promise<Account | null> {
    try {
      const account = await directory.accounts.get(systemActor(), accountId);
      return account.enabled ? account : null;
    } catch (err) {
      if (isStoaError(err, 'STOA_NOT_FOUND')) return null;
      throw err;
    }
  }

  async function basic(request: FastifyRequest, encoded: string): Promise<Account> {
    const secure = request.protocol === 'https';
    const policy = config.dav.plaintextAuth;
    if (!secure && !(policy === 'allow' || (policy === 'loopback' && isLoopback(request.socket.remoteAddress)))) {
      throw new StoaError('STOA_FORBIDDEN', 'Basic authentication needs HTTPS here (dav.plaintextAuth)');
    }
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new StoaError('STOA_AUTH_FAILED');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const id = createHmac('sha256', key).update(username).update('\0').update(password).digest('base64url');
    const hit = cache.get(id);
    if (hit && hit.until > now()) {
      const account = await live(hit.accountId);
      if (account) return account;
      cache.delete(id);
    }
    const result = await directory.auth.authenticate({ username, password, protocol: 'dav', ip: request.ip });
    // The authentication service counts the attempt (stoa_auth_attempts_total) and applies the login policy.
    if (!result.ok) throw new StoaError(result.code, undefined, { retryAfterSeconds: result.retryAfterSeconds });
    if (ttl > 0) {
      if (cache.size > 10_000) cache.clear();
      cache.set(id, { accountId: result.account.id, until: now() + ttl });
    }
    return result.account;
  }

  return {
    async authenticate(request) {
      const authz = request.headers.authorization;
      let account: Account;
      const m = authz ? /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(authz) : null;
      if (m) account = await basic(request, m[1]);
      else if (authz) throw new StoaError('STOA_UNAUTHENTICATED', 'use HTTP Basic authentication');
      else {
        const secret = cookieValue(request.headers.cookie, SESSION_COOKIE);
        if (!secret) throw new StoaError('STOA_UNAUTHENTICATED');
        account = (await directory.credentials.resolve(secret, 'session')).account;
        if (!SAFE.has(request.method) && request.headers['x-stoa-csrf'] !== '1') {
          throw new StoaError('STOA_FORBIDDEN', 'cookie-authenticated requests that change data need the header "X-Stoa-CSRF: 1"');
        }
      }
      return { account, actor: directory.actorFor(account, request.ip) };
    },
  };
}
