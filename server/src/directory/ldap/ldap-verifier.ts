// The directory as a password verifier of the one authentication service
// (auth-service.ts, registered with use()): for an account a directory owns,
// the password is checked by binding as that user (RFC 4513 §5.1.3), never by
// reading a hash. The answer is authoritative ('fail' ends the chain, so a
// stale local hash can never let someone in), and the entry is looked up live
// by its stable id, so disabling or deleting a user in the directory takes
// effect at the next login. Why a login failed is logged for the admin, never
// told to the user. Lookups and the user's bind run on pooled connections
// bound as the service account (session-pool.ts): no TLS handshake per login.
import type { AccountRecord, Store } from '../../store/port.ts';
import type { AuthRequest, PasswordVerifier } from '../api.ts';
import { isStoaError } from '../../errors/catalogue.ts';
import { canonicalAppSecret } from '../password-policy.ts';
import type { DirectoryConnectionRecord } from '../../store/directory-sync-port.ts';
import type { Filter } from 'ldapts';
import { andFilter, equalityFilter, guidToBytes, loginForLookup, orFilter } from './ldap-filter.ts';
import { externalIdOf } from './directory-entries.ts';
import { BindRefused, ldapts, type LdapSession } from './ldap-session.ts';
import type { SecretBox } from './secret-box.ts';
import { bindPasswordOf } from './connection-record.ts';
import { createSessionPool, type SessionPool } from './session-pool.ts';
import { openServiceSession } from './sync-run.ts';
import type { VerifiedCache } from './verified-cache.ts';

export interface VerifierLog {
  /** One line per directory login that did not pass, with the reason (the admin's view). */
  refused(entry: { account: string; connection: string; reason: string; protocol: string; ip: string | null }): void;
  /** The directory could not be asked. */
  unavailable(entry: { account: string | null; connection: string; error: string; cached: boolean }): void;
}

export interface VerifierDeps {
  store: Store;
  box: SecretBox;
  env: NodeJS.ProcessEnv;
  cache: VerifiedCache;
  log: VerifierLog;
  now(): number;
  /** Pooled service connections per directory connection (directory.loginPool). */
  pool: { size: number; idleMs: number };
}

/** The LDAP verifier, and what closes its pooled connections at shutdown. */
export interface LdapVerifier extends PasswordVerifier {
  readonly sessions: SessionPool;
  close(): Promise<void>;
}

/** Logins that may wait for a pooled connection, per directory connection; beyond, they fail as "directory unavailable". */
export const MAX_WAITING_LOGINS = 256;

/**
 * The filter that finds one user entry by its stable id. A binary id
 * (objectGUID) is asserted as raw octets in a filter object: written as
 * "\\xx" escapes in text, ldapts would re-encode octets above 0x7F as UTF-8.
 */
export function userByIdFilter(record: DirectoryConnectionRecord, externalId: string): Filter | null {
  const { mapping } = record;
  let value: string | Buffer = externalId;
  if (mapping.idBinary) {
    const bytes = guidToBytes(externalId);
    if (!bytes) return null;
    value = bytes;
  }
  const { AndFilter, EqualityFilter, FilterParser } = ldapts();
  return new AndFilter({ filters: [FilterParser.parseString(mapping.userFilter), new EqualityFilter({ attribute: mapping.idAttribute, value })] });
}

/** "CORP\jdoe" → "jdoe" for AD down-level logon names (MS-DTYP §2.4.2 is not involved: the domain part is ignored). */
export function withoutDownLevelDomain(record: DirectoryConnectionRecord, login: string): string {
  if (record.kind !== 'active-directory') return login;
  const m = /^[^\\@]+\\([^\\]+)$/.exec(login);
  return m ? m[1] : login;
}

const OUTAGE = new Set(['STOA_DIRECTORY_UNREACHABLE', 'STOA_DIRECTORY_TIMEOUT', 'STOA_DIRECTORY_TLS', 'STOA_DIRECTORY_BIND', 'STOA_DIRECTORY_SECRET', 'STOA_DIRECTORY_ERROR']);

export function createLdapVerifier(deps: VerifierDeps): LdapVerifier {
  const { store, log, cache } = deps;
  const sessions = createSessionPool({
    size: deps.pool.size,
    idleMs: deps.pool.idleMs,
    maxWaiting: MAX_WAITING_LOGINS,
    open: (record) => openServiceSession(record, deps.box, deps.env),
    restore: (record, session) => session.rebind(record.bindDn, bindPasswordOf(record, deps.box, deps.env)),
  });
  const withSession = <T>(record: DirectoryConnectionRecord, fn: (s: LdapSession) => Promise<T>): Promise<T> => sessions.use(record, fn);

  /** Does an app password apply? Then the app-password verifier answers, not the directory. */
  async function appPasswordShaped(account: AccountRecord, password: string, req: AuthRequest): Promise<boolean> {
    if (req.protocol === 'api' || canonicalAppSecret(password) === null) return false;
    return (await store.appPasswords.listForAccount(account.id)).length > 0;
  }

  return {
    name: 'ldap',
    sessions,
    close: () => sessions.close(),

    throttleName(username) {
      const login = loginForLookup(username);
      if (login === null || login.includes('@')) return null;
      // The down-level domain is ignored by the lookup (withoutDownLevelDomain), so also here, whatever the connection's kind.
      const m = /^[^\\@]+\\([^\\]+)$/.exec(login);
      return (m ? m[1] : login).toLowerCase();
    },

    async findAccount(username) {
      const login = loginForLookup(username);
      if (login === null) return null;
      for (const record of await store.directoryConnections.list()) {
        if (!record.enabled) continue;
        const name = withoutDownLevelDomain(record, login);
        const filter = andFilter(record.mapping.userFilter, orFilter(record.mapping.loginAttributes.map((a) => equalityFilter(a, name))));
        try {
          const found = await withSession(record, (s) => s.search({
            base: record.baseDn, filter, attributes: [record.mapping.idAttribute],
            binary: record.mapping.idBinary ? [record.mapping.idAttribute] : [], sizeLimit: 2,
          }));
          if (found.length !== 1) continue;
          const externalId = externalIdOf(found[0], record.mapping);
          const account = externalId ? await store.accounts.getBySource(record.id, externalId) : null;
          if (account) return account.id;
        } catch (err) {
          // An unreachable directory cannot name anyone; the login then fails like an unknown name.
          log.unavailable({ account: null, connection: record.name, error: isStoaError(err) ? `${err.code}: ${err.detail ?? ''}` : String(err), cached: false });
        }
      }
      return null;
    },

    async verify(account, password, req) {
      const source = account.source;
      if (source === null) return 'skip';
      if (await appPasswordShaped(account, password, req)) return 'skip';
      const record = await store.directoryConnections.get(source.connectionId);
      const refuse = (reason: string) => {
        log.refused({ account: account.address, connection: record?.name ?? source.connectionId, reason, protocol: req.protocol, ip: req.ip });
        return 'fail' as const;
      };
      if (!record) return refuse('the directory connection no longer exists');
      if (!record.enabled) return refuse('the directory connection is disabled');
      const filter = userByIdFilter(record, source.externalId);
      if (filter === null) return refuse('the stored directory id is not valid');
      try {
        const { disabledFilter } = record.mapping;
        const outcome = await withSession(record, async (session) => {
          // Both questions at once on the one connection (RFC 4511 §4.1.1 allows it outside a bind): one round trip.
          const [found, disabled] = await Promise.all([
            session.search({ base: record.baseDn, filter, attributes: ['1.1'], sizeLimit: 2 }),
            disabledFilter === null ? [] : session.search({ base: record.baseDn, filter: new (ldapts().AndFilter)({ filters: [filter, ldapts().FilterParser.parseString(disabledFilter)] }), attributes: ['1.1'], sizeLimit: 1 }),
          ]);
          if (found.length !== 1) return 'not found in the directory (deleted or moved out of the base DN)';
          const dn = found[0].dn;
          if (disabled.length > 0) return 'disabled in the directory';
          try {
            await session.rebind(dn, password);
          } catch (err) {
            if (err instanceof BindRefused) return err.reason;
            throw err;
          }
          return null;
        });
        if (outcome !== null) {
          cache.forget(account.id);
          return refuse(outcome);
        }
        if (record.authCacheSeconds > 0) cache.remember(account.id, password, deps.now());
        return 'ok';
      } catch (err) {
        const code = isStoaError(err) ? err.code : 'STOA_DIRECTORY_ERROR';
        if (!OUTAGE.has(code)) throw err;
        const cached = cache.check(account.id, password, deps.now(), record.authCacheSeconds * 1000);
        log.unavailable({ account: account.address, connection: record.name, error: isStoaError(err) ? `${err.code}: ${err.detail ?? ''}` : String(err), cached: cached === true });
        if (cached === true) return 'ok';
        if (cached === false) return refuse('wrong password (checked against the verified cache while the directory is unreachable)');
        return 'unavailable';
      }
    },
  };
}
