// Who is calling: HTTP Basic (RFC 7617) through the one authentication
// service (throttled like every login, LDAP/AD verifiers included, operators
// refused: protocol 'dav'), or the admin API's session cookie for the
// console (with its CSRF header on requests that change data, and the same
// protocol rule). Basic over plain HTTP follows dav.plaintextAuth.
// A verified credential is remembered for dav.authCacheSeconds as an HMAC
// under a per-process random key, so a sync of hundreds of requests runs
// argon2id once. The remembered login must still stand: every hit asks
// AuthService.stillValid (a password changed or an account disabled by
// another node or the CLI), and account events on the change bus drop the
// account's entries at once.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../../config/types.ts';
import { systemActor } from '../../directory/access.ts';
import type { Actor, Directory, LoginGrant } from '../../directory/api.ts';
import { protocolAllowed } from '../../directory/auth-service.ts';
import { StoaError, isStoaError } from '../../errors/catalogue.ts';
import type { ChangeBus } from '../../events/change-bus.ts';

const SESSION_COOKIE = 'stoa_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT']);
/** Remembered credentials at most; beyond it the cache starts over (every entry is only a saved argon2id run). */
const MAX_ENTRIES = 10_000;

export interface DavAuth {
  authenticate(request: FastifyRequest): Promise<{ account: Account; actor: Actor }>;
  /** Forgets every remembered credential and stops listening (the server closes). */
  close(): void;
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

export function createDavAuth(opts: { config: StoaConfig; directory: Directory; bus?: ChangeBus; now?: () => number }): DavAuth {
  const { config, directory, bus } = opts;
  const now = opts.now ?? Date.now;
  const key = randomBytes(32);
  const cache = new Map<string, { grant: LoginGrant; until: number }>();
  // Per account: its cache entries and the bus subscription that drops them.
  const byAccount = new Map<string, { ids: Set<string>; unsubscribe: () => void }>();
  const ttl = config.dav.authCacheSeconds * 1000;

  function forget(id: string): void {
    const entry = cache.get(id);
    if (!entry) return;
    cache.delete(id);
    const account = byAccount.get(entry.grant.accountId);
    account?.ids.delete(id);
    if (account && account.ids.size === 0) {
      account.unsubscribe();
      byAccount.delete(entry.grant.accountId);
    }
  }

  function forgetAll(): void {
    for (const a of byAccount.values()) a.unsubscribe();
    byAccount.clear();
    cache.clear();
  }

  function remember(id: string, grant: LoginGrant): void {
    if (ttl <= 0) return;
    if (cache.size >= MAX_ENTRIES) forgetAll();
    forget(id);
    cache.set(id, { grant, until: now() + ttl });
    let account = byAccount.get(grant.accountId);
    if (!account) {
      // A password change, a disabled or deleted account (AccountChange) ends what was remembered at once.
      const unsubscribe = bus?.subscribe({ accountId: grant.accountId }, (event) => {
        if (event.kind !== 'account') return;
        for (const cached of [...(byAccount.get(grant.accountId)?.ids ?? [])]) forget(cached);
      }) ?? (() => undefined);
      account = { ids: new Set(), unsubscribe };
      byAccount.set(grant.accountId, account);
    }
    account.ids.add(id);
  }

  async function load(accountId: string): Promise<Account | null> {
    try {
      return await directory.accounts.get(systemActor(), accountId);
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
      // The login a remembered credential rests on must still stand (a reset elsewhere has no event here).
      const account = await directory.auth.stillValid(hit.grant) ? await load(hit.grant.accountId) : null;
      if (account) return account;
    }
    if (hit) forget(id);
    // The authentication service counts the attempt (stoa_auth_attempts_total) and applies the login policy.
    const result = await directory.auth.authenticate({ username, password, protocol: 'dav', ip: request.ip });
    if (!result.ok) throw new StoaError(result.code, undefined, { retryAfterSeconds: result.retryAfterSeconds });
    remember(id, { accountId: result.account.id, passwordSetAt: result.account.passwordSetAt, ...(result.appPasswordId ? { appPasswordId: result.appPasswordId } : {}) });
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
        // A console session of an operator (no mailbox, no calendars) does not open DAV either.
        if (!protocolAllowed(account, 'dav')) throw new StoaError('STOA_PROTOCOL_NOT_ALLOWED');
        if (!SAFE.has(request.method) && request.headers['x-stoa-csrf'] !== '1') {
          throw new StoaError('STOA_FORBIDDEN', 'cookie-authenticated requests that change data need the header "X-Stoa-CSRF: 1"');
        }
      }
      return { account, actor: directory.actorFor(account, request.ip) };
    },
    close: forgetAll,
  };
}
