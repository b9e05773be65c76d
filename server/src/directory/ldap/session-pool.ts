// A bounded pool of LDAP connections per directory connection, bound as its
// service account and reused by directory logins (ldap-verifier.ts). Opening
// one costs a TCP and TLS handshake and a service bind at the directory (on a
// DC, the handshake is most of a login's cost); a pooled one is ready. Each
// login holds one connection alone (a bind changes the connection's
// identity, and RFC 4511 §4.2.1 allows no other operation during a bind);
// afterwards the pool binds it back as the service account before anyone
// else gets it, or closes it if that fails.
//
// Bounded: at most `size` connections per directory connection (logins wait
// their turn, at most `maxWaiting` of them, each at most the connection's
// operation timeout; a login waits for a connection being bound back rather
// than open another); an unused connection closes after `idleMs`. A
// connection the server closed meanwhile (idle limits: AD's MaxConnIdleTime,
// slapd's idletimeout; a restart) is noticed before reuse, or when a login
// meets it, and that login is retried once on a new connection: a stale
// connection is not an outage. A changed connection setting (servers, TLS,
// bind DN or password, timeouts) retires the pool: its connections close as
// they come back.
import { isStoaError, StoaError } from '../../errors/catalogue.ts';
import type { DirectoryConnectionRecord } from '../../store/directory-sync-port.ts';
import type { LdapSession } from './ldap-session.ts';

export interface SessionPoolOptions {
  /** Connections per directory connection. */
  size: number;
  /** An unused connection is closed after this long. */
  idleMs: number;
  /** Logins that may wait for a connection, per directory connection; beyond, STOA_DIRECTORY_TIMEOUT at once. */
  maxWaiting: number;
  /** A new connection bound as the service account (sync-run.ts openServiceSession). */
  open(record: DirectoryConnectionRecord): Promise<LdapSession>;
  /** Binds a connection back as the service account after a user's bind. */
  restore(record: DirectoryConnectionRecord, session: LdapSession): Promise<void>;
}

export interface SessionPool {
  /**
   * Runs `work` on a service-bound connection of `record`, alone. `work` may
   * bind as someone else; the connection goes back to the pool bound as the
   * service account again. Errors of `work` pass through.
   */
  use<T>(record: DirectoryConnectionRecord, work: (session: LdapSession) => Promise<T>): Promise<T>;
  /** Connections open now, per directory connection id (for tests and the benchmark). */
  stats(): Record<string, { open: number; idle: number; waiting: number; returning: number }>;
  /** Closes every connection; later use() calls open and close their own. */
  close(): Promise<void>;
}

interface Lease { session: LdapSession; reused: boolean }
interface Waiter { resolve(lease: Lease | null): void; reject(err: unknown): void; timer: NodeJS.Timeout }
interface Idle { session: LdapSession; timer: NodeJS.Timeout }

/** What a pooled connection was opened with: when it changes, the old connections are not reused. */
function fingerprint(record: DirectoryConnectionRecord): string {
  const { servers, tls, bindDn, bindPasswordEnv, bindPasswordSealed, connectTimeoutMs, timeoutMs } = record;
  return JSON.stringify([servers, tls, bindDn, bindPasswordEnv, bindPasswordSealed, connectTimeoutMs, timeoutMs]);
}

/** The server closed the connection under us (not: it answered too slowly, which a retry would only repeat). */
function closedUnderUs(err: unknown): boolean {
  return isStoaError(err, 'STOA_DIRECTORY_UNREACHABLE');
}

class ConnectionPool {
  readonly key: string;
  readonly #opts: SessionPoolOptions;
  readonly #idle: Idle[] = [];
  readonly #waiting: Waiter[] = [];
  /** Connections open or being opened, idle ones included. */
  #open = 0;
  /** Connections being bound back as the service account after a login (release()), about to be free. */
  #returning = 0;
  retired = false;

  constructor(key: string, opts: SessionPoolOptions) {
    this.key = key;
    this.#opts = opts;
  }

  stats() {
    return { open: this.#open, idle: this.#idle.length, waiting: this.#waiting.length, returning: this.#returning };
  }

  async acquire(record: DirectoryConnectionRecord): Promise<Lease> {
    for (;;) {
      const idle = this.#takeIdle();
      if (idle) return { session: idle, reused: true };
      // A connection being bound back is one round trip from free; a new one costs a TCP and TLS handshake and a
      // bind at the directory. Open one only when every returning connection already has a login waiting for it.
      if (this.#open < this.#opts.size && this.#waiting.length >= this.#returning) return { session: await this.#openOne(record), reused: false };
      if (this.#waiting.length >= this.#opts.maxWaiting) {
        throw new StoaError('STOA_DIRECTORY_TIMEOUT', `${this.#waiting.length} logins are already waiting for a connection to "${record.name}"`);
      }
      // null: a slot came free (a connection was closed); go round and open one.
      const lease = await new Promise<Lease | null>((resolve, reject) => {
        const waiter: Waiter = {
          resolve, reject,
          timer: setTimeout(() => {
            this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
            reject(new StoaError('STOA_DIRECTORY_TIMEOUT', `no connection to "${record.name}" came free within ${record.timeoutMs} ms (${this.#opts.size} in use)`));
          }, record.timeoutMs),
        };
        this.#waiting.push(waiter);
      });
      if (lease) return lease;
    }
  }

  /** Back into the pool (bound as the service account again), to a waiting login, or closed. */
  async release(record: DirectoryConnectionRecord, session: LdapSession, healthy: boolean): Promise<void> {
    let keep = healthy && !this.retired && session.alive;
    if (keep && session.boundAs !== record.bindDn) {
      this.#returning++;
      try {
        await this.#opts.restore(record, session);
      } catch {
        keep = false;
      } finally {
        this.#returning--;
      }
    }
    if (!keep || this.retired) {
      await this.#discard(session);
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve({ session, reused: true });
      return;
    }
    const entry: Idle = {
      session,
      timer: setTimeout(() => {
        const at = this.#idle.indexOf(entry);
        if (at >= 0) this.#idle.splice(at, 1);
        void this.#discard(session);
      }, this.#opts.idleMs),
    };
    entry.timer.unref();
    this.#idle.push(entry);
  }

  /** Closes what is idle; what is in use closes when it comes back (retired). */
  async retire(): Promise<void> {
    this.retired = true;
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((e) => { clearTimeout(e.timer); return this.#discard(e.session); }));
  }

  /** Ends the waiting logins too (server shutdown). */
  async close(): Promise<void> {
    for (const w of this.#waiting.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new StoaError('STOA_DIRECTORY_UNREACHABLE', 'the server is shutting down'));
    }
    await this.retire();
  }

  /** Most recently used first, so the others reach their idle limit and close. */
  #takeIdle(): LdapSession | null {
    for (let entry = this.#idle.pop(); entry; entry = this.#idle.pop()) {
      clearTimeout(entry.timer);
      if (entry.session.alive) return entry.session;
      void this.#discard(entry.session);
    }
    return null;
  }

  async #openOne(record: DirectoryConnectionRecord): Promise<LdapSession> {
    this.#open++;
    try {
      return await this.#opts.open(record);
    } catch (err) {
      this.#slotFreed();
      throw err;
    }
  }

  async #discard(session: LdapSession): Promise<void> {
    this.#slotFreed();
    await session.close();
  }

  #slotFreed(): void {
    this.#open--;
    const waiter = this.#waiting.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
  }
}

export function createSessionPool(opts: SessionPoolOptions): SessionPool {
  const pools = new Map<string, ConnectionPool>();
  let closed = false;

  function poolFor(record: DirectoryConnectionRecord): ConnectionPool {
    const key = fingerprint(record);
    const current = pools.get(record.id);
    if (current && current.key === key && !current.retired) return current;
    if (current && !current.retired) void current.retire();
    const pool = new ConnectionPool(key, opts);
    pools.set(record.id, pool);
    return pool;
  }

  async function once<T>(pool: ConnectionPool, record: DirectoryConnectionRecord, work: (s: LdapSession) => Promise<T>): Promise<{ value: T } | { error: unknown; reused: boolean }> {
    const lease = await pool.acquire(record);
    let result: T;
    try {
      result = await work(lease.session);
    } catch (error) {
      await pool.release(record, lease.session, false);
      return { error, reused: lease.reused };
    }
    // The login has its answer now; binding the connection back as the service account need not delay it
    // (the connection stays out of the pool until that is done). release() never throws.
    void pool.release(record, lease.session, true);
    return { value: result };
  }

  return {
    async use(record, work) {
      if (closed) {
        // After shutdown began: no pool, one connection for this call only.
        const session = await opts.open(record);
        try {
          return await work(session);
        } finally {
          await session.close();
        }
      }
      const pool = poolFor(record);
      let outcome = await once(pool, record, work);
      // A reused connection the server had closed: the others are likely gone too (restart); one retry on a new one.
      if ('error' in outcome && outcome.reused && closedUnderUs(outcome.error)) {
        await pool.retire();
        outcome = await once(poolFor(record), record, work);
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    },

    stats() {
      return Object.fromEntries([...pools].map(([id, p]) => [id, p.stats()]));
    },

    async close() {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
