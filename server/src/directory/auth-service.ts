// One authentication path for every protocol (IMAP LOGIN/AUTHENTICATE, SMTP
// AUTH, POP3 USER/PASS, DAV Basic, the console): throttling (login-throttle.ts),
// verifiers in order, disabled accounts, and the same number of argon2
// checks for every failure: unknown user, wrong password, wrong app password.
import type { AccountRecord } from '../store/port.ts';
import { toAccount } from './account-access.ts';
import type { Account } from '../../../shared/src/schemas/directory.ts';
import type { AuthOutcome, AuthRequest, AuthResult, AuthService, PasswordVerifier, Protocol } from './api.ts';
import { actorFor, systemActor } from './access.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { isoNow } from './ids.ts';
import { appPasswordLookup } from './app-password-lookup.ts';
import { createLoginThrottle, type ThrottleOutcome } from './login-throttle.ts';
import { parseAddress, parseOperatorLogin } from './names.ts';
import { DummyVerifier, hashPassword, needsRehash, verifyPassword } from './password-hash.ts';
import { canonicalAppSecret } from './password-policy.ts';
import { VerifiedPasswordCache } from './verified-password-cache.ts';

/** Every argon2 check of a login, real or dummy, goes through here so it is seen (DirectoryContext.onPasswordCheck). */
interface PasswordChecks {
  /** Through the verified-password cache (verified-password-cache.ts): a repeated right password skips the hash. */
  verify(accountId: string, phc: string, password: string): Promise<boolean>;
  dummy(password: string): Promise<void>;
}

function passwordChecks(ctx: DirectoryContext, dummy: DummyVerifier, cache: VerifiedPasswordCache): PasswordChecks {
  const seen = <T>(check: Promise<T>): Promise<T> => {
    ctx.onPasswordCheck?.(check);
    return check;
  };
  return {
    verify: (accountId, phc, password) => seen(cache.verify(accountId, phc, password, verifyPassword)),
    dummy: (password) => seen(dummy.verify(password)),
  };
}

/** App passwords are for mail and calendar clients, never the console (which can change the real password). */
function appSecretOf(req: AuthRequest): string | null {
  return req.protocol === 'api' ? null : canonicalAppSecret(req.password);
}

/**
 * Verifier answers: 'ok' (or an app-password match) accepts; 'skip' passes to
 * the next verifier; 'fail' is authoritative and ends the chain (an LDAP
 * verifier that owns the account says 'fail' so a stale local hash cannot
 * override it); 'unavailable' (the owning directory cannot be asked) ends
 * it with STOA_AUTH_UNAVAILABLE and counts no failure. The built-in verifiers
 * only ever say 'ok' or 'skip'.
 */
function localPasswordVerifier(checks: PasswordChecks): PasswordVerifier {
  return {
    name: 'password',
    async verify(account, password) {
      if (account.passwordHash === null) {
        // Same cost as a real check, so accounts without a local password do not stand out.
        await checks.dummy(password);
        return 'skip';
      }
      return (await checks.verify(account.id, account.passwordHash, password)) ? 'ok' : 'skip';
    },
  };
}

/**
 * One lookup, one hash (app-password-lookup.ts): an app-password-shaped
 * secret costs exactly one argon2 check here whether the account has no app
 * password, twenty, or the right one. Only app passwords made before lookups
 * existed are tried one by one; a match records its lookup key, unless
 * another app password of the account already has it (lookups stay unique,
 * so a lookup never hides an app password behind another).
 */
function appPasswordVerifier(ctx: DirectoryContext, checks: PasswordChecks): PasswordVerifier {
  return {
    name: 'app-password',
    async verify(account, _password, req) {
      const secret = appSecretOf(req);
      if (secret === null) return 'skip';
      const lookup = appPasswordLookup(account.id, secret);
      const candidate = await ctx.store.appPasswords.findByLookup(account.id, lookup);
      // Read from the store each time: a revoked app password is never matched from the cache.
      if (candidate && await checks.verify(account.id, candidate.secretHash, secret)) return { ok: true, appPasswordId: candidate.id };
      const legacy = (await ctx.store.appPasswords.listForAccount(account.id)).filter((r) => r.lookup === null);
      if (!candidate && legacy.length === 0) {
        await checks.dummy(secret);
        return 'skip';
      }
      for (const record of legacy) {
        if (await checks.verify(account.id, record.secretHash, secret)) {
          if (!candidate) await ctx.store.appPasswords.setLookup(record.id, lookup).catch(() => undefined);
          return { ok: true, appPasswordId: record.id };
        }
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
  STOA_AUTH_UNAVAILABLE: 'unavailable',
};

export function createAuthService(ctx: DirectoryContext): AuthService {
  const { store, config } = ctx;
  const throttle = createLoginThrottle({ store: store.throttle, config: config.auth.throttle, now: () => ctx.now() });
  const cache = new VerifiedPasswordCache(config.auth.verifiedCache, () => ctx.now(), ctx.bus);
  const checks = passwordChecks(ctx, new DummyVerifier(config.auth.argon2), cache);
  const verifiers: PasswordVerifier[] = [localPasswordVerifier(checks), appPasswordVerifier(ctx, checks)];

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

  /**
   * A directory account stands only while its directory still returns it (a
   * sync marks it missing otherwise) and its connection exists and is
   * enabled: the same things the LDAP verifier refuses a login for. A user
   * the directory disabled is refused by `enabled`, which the sync sets.
   */
  async function directoryStillOwns(source: NonNullable<AccountRecord['source']>): Promise<boolean> {
    if (source.missingSince !== null) return false;
    const connection = await store.directoryConnections.get(source.connectionId);
    return connection !== null && connection.enabled;
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
      if (record.source !== null && !(await directoryStillOwns(record.source))) return false;
      if (grant.appPasswordId && !await store.appPasswords.get(grant.appPasswordId)) return false;
      return true;
    },

    use(verifier, position = 'last') {
      if (position === 'first') verifiers.unshift(verifier);
      else verifiers.push(verifier);
    },
  };

  async function attempt(req: AuthRequest): Promise<AuthResult> {
    const login = await loginFor(req.username);
    // Unparseable names still get an account counter, so guessing with junk
    // names is throttled like guessing with real ones.
    // A directory login name counts under one name however it is typed ("CORP\alice", "X\alice": verifier.throttleName).
    const named = login ?? verifiers.map((v) => v.throttleName?.(req.username) ?? null).find((n) => n !== null) ?? null;
    const counted = await throttle.begin(named ?? req.username.trim().toLowerCase().slice(0, 320), req.ip);
    if (!counted.ok) return { ok: false, code: 'STOA_AUTH_THROTTLED', retryAfterSeconds: counted.retryAfterSeconds };
    let outcome: ThrottleOutcome = 'failure';
    try {
      const result = await verified(req, login);
      outcome = result.ok ? 'success'
        : result.code === 'STOA_AUTH_FAILED' ? 'failure'
          // The owning directory could not be asked: no password was judged, so the attempt is taken back and nothing else.
          : result.code === 'STOA_AUTH_UNAVAILABLE' ? 'unjudged'
            : 'right-password';
      return result;
    } finally {
      await counted.ticket.settle(outcome);
    }
  }

  /** The verifiers and the account rules, once the attempt is counted. */
  async function verified(req: AuthRequest, login: string | null): Promise<AuthResult> {
    const now = ctx.now();
    let record = login ? await store.accounts.getByAddress(login) : null;
    // Other login names (directory user names) only when the name is no address here.
    for (const verifier of verifiers) {
      if (record || !verifier.findAccount) continue;
      const id = await verifier.findAccount(req.username, req);
      if (id) record = await store.accounts.get(id);
    }
    if (!record) {
      // As many checks as a known account costs for this input: the password, and one app password when it has that shape.
      await checks.dummy(req.password);
      if (appSecretOf(req) !== null) await checks.dummy(req.password);
      return { ok: false, code: 'STOA_AUTH_FAILED' };
    }

    let via: string | null = null;
    let appPasswordId: string | undefined;
    for (const verifier of [...verifiers]) {
      const answer = await verifier.verify(record, req.password, req);
      if (answer === 'skip') continue;
      if (answer === 'fail') break;
      // The directory that owns the account cannot be asked: no failure is counted (an outage must not throttle everyone).
      if (answer === 'unavailable') return { ok: false, code: 'STOA_AUTH_UNAVAILABLE' };
      via = verifier.name;
      if (answer !== 'ok') appPasswordId = answer.appPasswordId;
      break;
    }
    if (via === null) return { ok: false, code: 'STOA_AUTH_FAILED' };

    // Only now, with the right password, may the answer reveal that the account exists but is off.
    const domain = record.domainId ? await store.domains.get(record.domainId) : null;
    if (!record.enabled || (domain !== null && !domain.enabled)) return { ok: false, code: 'STOA_ACCOUNT_DISABLED' };
    if (!protocolAllowed(record, req.protocol)) return { ok: false, code: 'STOA_PROTOCOL_NOT_ALLOWED' };

    if (appPasswordId) await store.appPasswords.touch(appPasswordId, isoNow(now), req.ip);
    if (via === 'password') await rehashIfOutdated(record, req.password);
    const account = toAccount(record);
    const actor = actorFor(account, req.ip);
    return appPasswordId ? { ok: true, account, actor, via, appPasswordId } : { ok: true, account, actor, via };
  }
}
