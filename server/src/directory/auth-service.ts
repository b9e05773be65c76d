// One authentication path for every protocol (IMAP LOGIN/AUTHENTICATE, SMTP
// AUTH, POP3 USER/PASS, DAV Basic, the console): throttling, verifiers in
// order, disabled accounts, and constant work for unknown users.
import type { AccountRecord } from '../store/port.ts';
import { toAccount } from './account-access.ts';
import type { Account } from '../../../shared/src/schemas/directory.ts';
import type { AuthOutcome, AuthRequest, AuthResult, AuthService, PasswordVerifier, Protocol } from './api.ts';
import { actorFor, systemActor } from './access.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { isoNow } from './ids.ts';
import { parseAddress, parseOperatorLogin } from './names.ts';
import { DummyVerifier, hashPassword, needsRehash, verifyPassword } from './password-hash.ts';
import { canonicalAppSecret } from './password-policy.ts';
import { VerifiedPasswordCache } from './verified-password-cache.ts';
import { blockDelayMs, freeFailuresFor, isStale, retryAfterSeconds, throttleKey, type ThrottleKeyKind } from './throttle-policy.ts';

/**
 * Verifier answers: 'ok' (or an app-password match) accepts; 'skip' passes to
 * the next verifier; 'fail' is authoritative and ends the chain (an LDAP
 * verifier that owns the account says 'fail' so a stale local hash cannot
 * override it). The built-in verifiers only ever say 'ok' or 'skip'.
 */
function localPasswordVerifier(dummy: DummyVerifier, cache: VerifiedPasswordCache): PasswordVerifier {
  return {
    name: 'password',
    async verify(account, password) {
      if (account.passwordHash === null) {
        // Same cost as a real check, so accounts without a local password do not stand out.
        await dummy.verify(password);
        return 'skip';
      }
      return (await cache.verify(account.id, account.passwordHash, password, verifyPassword)) ? 'ok' : 'skip';
    },
  };
}

function appPasswordVerifier(ctx: DirectoryContext, cache: VerifiedPasswordCache): PasswordVerifier {
  return {
    name: 'app-password',
    async verify(account, password, req) {
      // App passwords are for mail and calendar clients; the console (and so
      // changing the real password) needs the account password itself.
      if (req.protocol === 'api') return 'skip';
      const secret = canonicalAppSecret(password);
      if (secret === null) return 'skip';
      for (const record of await ctx.store.appPasswords.listForAccount(account.id)) {
        // Read from the store each time: a revoked app password is never matched from the cache.
        if (await cache.verify(account.id, record.secretHash, secret, verifyPassword)) return { ok: true, appPasswordId: record.id };
      }
      return 'skip';
    },
  };
}

/**
 * How long a long-lived session (IMAP, POP3) may go on before it asks
 * stillValid() again: a password reset made by another process or node ends
 * it at its first command after this (one made on this node ends it at once).
 */
export const LOGIN_RECHECK_MS = 60_000;

/** Protocols an operator account (no domain, no mailbox) may use: administration only. */
const OPERATOR_PROTOCOLS: ReadonlySet<Protocol> = new Set(['api', 'cli']);

/** Who may use which protocol: the one place the rule lives (docs/security.md "Login policy"). */
export function protocolAllowed(account: Pick<Account, 'domainId'>, protocol: Protocol): boolean {
  if (account.domainId === null) return OPERATOR_PROTOCOLS.has(protocol);
  return true;
}

const OUTCOME: Record<Exclude<AuthResult, { ok: true }>['code'], AuthOutcome> = {
  STOA_AUTH_FAILED: 'failed', STOA_AUTH_THROTTLED: 'throttled', STOA_ACCOUNT_DISABLED: 'disabled', STOA_PROTOCOL_NOT_ALLOWED: 'not-allowed',
};

export function createAuthService(ctx: DirectoryContext): AuthService {
  const { store, config } = ctx;
  const throttle = config.auth.throttle;
  const dummy = new DummyVerifier(config.auth.argon2);
  const cache = new VerifiedPasswordCache(config.auth.verifiedCache, () => ctx.now(), ctx.bus);
  const verifiers: PasswordVerifier[] = [localPasswordVerifier(dummy, cache), appPasswordVerifier(ctx, cache)];

  /** The stored login for what the user typed: alias-domain addresses become the target domain's. */
  async function loginFor(username: string): Promise<string | null> {
    try {
      if (!username.includes('@')) return parseOperatorLogin(username);
      const parsed = parseAddress(username);
      const domain = await store.domains.getByName(parsed.domain);
      if (domain?.aliasOf) {
        const target = await store.domains.get(domain.aliasOf);
        if (target) return `${parsed.local}@${target.name}`;
      }
      return parsed.address;
    } catch {
      return null;
    }
  }

  async function recordFailure(kind: ThrottleKeyKind, key: string, now: number): Promise<void> {
    // Old failures are forgotten (auth.throttle.windowMs) even before the periodic prune runs.
    if (isStale(await store.throttle.get(key), now, throttle.windowMs)) await store.throttle.clear(key);
    const free = freeFailuresFor(kind, throttle);
    await store.throttle.recordFailure(key, now, (failures) => blockDelayMs(failures, free, throttle.baseDelayMs, throttle.maxDelayMs));
  }

  async function rehashIfOutdated(account: AccountRecord, password: string): Promise<void> {
    if (account.passwordHash === null || !needsRehash(account.passwordHash, config.auth.argon2)) return;
    const passwordHash = await hashPassword(password, config.auth.argon2);
    try {
      await store.atomic(async (tx) => {
        const current = await tx.accounts.get(account.id);
        // Someone set a new password meanwhile: theirs wins.
        if (!current || current.passwordHash !== account.passwordHash) return;
        const at = isoNow(ctx.now());
        await tx.accounts.update(account.id, { passwordHash });
        await writeAudit(tx, systemActor(), at, {
          action: 'rehash-password', objectType: 'account', objectId: account.id, domainId: account.domainId,
          before: { passwordHash: account.passwordHash }, after: { passwordHash },
        });
      });
    } catch {
      // The login already succeeded; the upgrade is retried at the next one.
    }
  }

  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      const result = await attempt(req);
      ctx.onAuthAttempt?.(req.protocol, result.ok ? 'success' : OUTCOME[result.code]);
      return result;
    },

    async stillValid(grant) {
      const record = await store.accounts.get(grant.accountId);
      if (!record || !record.enabled || record.passwordSetAt !== grant.passwordSetAt) return false;
      if (record.domainId !== null && !(await store.domains.get(record.domainId))?.enabled) return false;
      if (grant.appPasswordId && !await store.appPasswords.get(grant.appPasswordId)) return false;
      return true;
    },

    use(verifier, position = 'last') {
      if (position === 'first') verifiers.unshift(verifier);
      else verifiers.push(verifier);
    },
  };

  async function attempt(req: AuthRequest): Promise<AuthResult> {
    const now = ctx.now();
    const login = await loginFor(req.username);
    // Unparseable names still get an account counter, so guessing with junk
    // names is throttled like guessing with real ones.
    const accountKey = throttleKey('account', login ?? req.username.trim().toLowerCase().slice(0, 320));
    const ipKey = req.ip ? throttleKey('ip', req.ip) : null;

    const [ipState, accountState] = await Promise.all([ipKey ? store.throttle.get(ipKey) : null, store.throttle.get(accountKey)]);
    const wait = Math.max(retryAfterSeconds(ipState, now), retryAfterSeconds(accountState, now));
    if (wait > 0) return { ok: false, code: 'STOA_AUTH_THROTTLED', retryAfterSeconds: wait };

    const fail = async (): Promise<AuthResult> => {
      if (ipKey) await recordFailure('ip', ipKey, now);
      await recordFailure('account', accountKey, now);
      return { ok: false, code: 'STOA_AUTH_FAILED' };
    };

    const record = login ? await store.accounts.getByAddress(login) : null;
    if (!record) {
      await dummy.verify(req.password);
      return fail();
    }

    let via: string | null = null;
    let appPasswordId: string | undefined;
    for (const verifier of [...verifiers]) {
      const answer = await verifier.verify(record, req.password, req);
      if (answer === 'skip') continue;
      if (answer === 'fail') break;
      via = verifier.name;
      if (answer !== 'ok') appPasswordId = answer.appPasswordId;
      break;
    }
    if (via === null) return fail();

    // Only now, with the right password, may the answer reveal that the account exists but is off.
    const domain = record.domainId ? await store.domains.get(record.domainId) : null;
    if (!record.enabled || (domain !== null && !domain.enabled)) return { ok: false, code: 'STOA_ACCOUNT_DISABLED' };
    if (!protocolAllowed(record, req.protocol)) return { ok: false, code: 'STOA_PROTOCOL_NOT_ALLOWED' };

    // A write only when there is a counter to clear: most logins have none.
    if (accountState) await store.throttle.clear(accountKey);
    if (appPasswordId) await store.appPasswords.touch(appPasswordId, isoNow(now), req.ip);
    if (via === 'password') await rehashIfOutdated(record, req.password);
    const account = toAccount(record);
    const actor = actorFor(account, req.ip);
    return appPasswordId ? { ok: true, account, actor, via, appPasswordId } : { ok: true, account, actor, via };
  }
}
