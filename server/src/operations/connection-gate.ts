// Connection limits for every listener, counted in one place (issue 16 item
// 1): one client held 3,000 IMAP and 3,000 POP3 connections, and 19,800 idle
// ones used up the process's file descriptors until HTTP, IMAPS and
// submission stopped answering.
//
// - Each protocol has a pool (IMAP and IMAPS share one, the three SMTP
//   listeners share one …) with a cap and a cap per client; SMTP also caps a
//   client's network (IPv4 /24, IPv6 /64). A client is an IPv4 address or an
//   IPv6 /64 (model/ip-network.ts).
// - The mail pools together are capped by connections.maxTotal, lowered at
//   start-up to fit the process's open-file limit. HTTP has a pool of its own
//   outside that total: it is the reserve that keeps the admin API and the
//   health probes answering when the mail listeners are full.
// - A pool also caps sessions per account and client address after login
//   (Dovecot's mail_max_userip_connections).
// - A refusal is counted (stoa_connections_refused_total) and logged at warn,
//   once a minute per protocol and reason with the number refused meanwhile.
//
// Counts are per process: they protect this process's sockets (a node of a
// cluster has its own file descriptors), and a restart forgetting them costs
// nothing.
import { readFileSync } from 'node:fs';
import type { Counter } from 'prom-client';
import type { Logger } from '../log/logger.ts';
import { clientKey, networkOf } from '../model/ip-network.ts';

export type RefusalReason = 'total' | 'protocol' | 'ip' | 'network' | 'account';

export interface Refusal { ok: false; reason: RefusalReason; limit: number }
export interface Admission { ok: true; release(): void }

export interface PoolLimits {
  /** Open connections of this protocol, every listener of it together. */
  maxConnections: number;
  /** Open connections from one client (IPv4 address or IPv6 /64). */
  maxConnectionsPerIp: number;
  /** Open connections from one network (IPv4 /24, IPv6 /64); none when absent. */
  maxConnectionsPerNetwork?: number;
  /** Logged-in sessions of one account from one client; none when absent. */
  maxSessionsPerAccountIp?: number;
}

export interface ConnectionPool {
  readonly protocol: string;
  readonly open: number;
  /** Counts a new connection in, or says which cap it hit. */
  admit(ip: string): Admission | Refusal;
  /** Counts a login in (per account and client), or refuses it. */
  admitSession(accountId: string, ip: string): Admission | Refusal;
  /** At 80 % of the pool's cap or of the shared total: SMTP shortens its pre-MAIL timeout then. */
  readonly underPressure: boolean;
  /** Called when the pool comes under pressure (not again until it has been below). */
  onPressure(listener: () => void): void;
}

export interface ConnectionGate {
  /** The pool of a protocol, made on first use. `reserve`: outside the mail total (the HTTP listener). */
  pool(protocol: string, limits: PoolLimits, options?: { reserve?: boolean }): ConnectionPool;
  /** Open connections counted in the mail total, and the total's cap after the start-up adjustment. */
  readonly total: { open: number; max: number };
}

export interface GateOptions {
  /** connections.maxTotal */
  maxTotal: number;
  /** Slots kept outside the mail total (api.maxConnections), for the file-descriptor budget. */
  reserved: number;
  logger: Logger;
  refused?: Counter<'protocol' | 'reason'>;
  now?: () => number;
  /** The soft open-file limit; read from /proc/self/limits when absent (null: unknown). */
  openFileLimit?: number | null;
}

/** Descriptors kept for everything that is not a client connection: the store, blobs, spools, outbound SMTP, DNS. */
export const OTHER_DESCRIPTORS = 512;
const PRESSURE = 0.8;
const WARN_EVERY_MS = 60_000;

/** "Max open files  20000  20000  files" → 20000 (the soft limit); null when absent or unlimited. */
export function parseOpenFileLimit(limits: string): number | null {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : null;
}

function readOpenFileLimit(): number | null {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

class Counts {
  readonly #counts = new Map<string, number>();
  get(key: string): number { return this.#counts.get(key) ?? 0; }
  add(key: string): void { this.#counts.set(key, this.get(key) + 1); }
  remove(key: string): void {
    const n = this.get(key) - 1;
    if (n <= 0) this.#counts.delete(key);
    else this.#counts.set(key, n);
  }
}

export function createConnectionGate(options: GateOptions): ConnectionGate {
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'connections' });
  let budgetChecked = false;
  let maxTotal = options.maxTotal;
  /** At the first listener, not at construction: the CLI builds the services too and opens no listener. */
  function checkBudget(): void {
    if (budgetChecked) return;
    budgetChecked = true;
    const fdLimit = options.openFileLimit === undefined ? readOpenFileLimit() : options.openFileLimit;
    if (fdLimit === null || maxTotal + options.reserved + OTHER_DESCRIPTORS <= fdLimit) return;
    // Never let mail connections take the descriptors HTTP and the store need.
    maxTotal = Math.max(1, fdLimit - options.reserved - OTHER_DESCRIPTORS);
    log.warn({ configured: options.maxTotal, lowered: maxTotal, openFileLimit: fdLimit, reserved: options.reserved },
      'connections.maxTotal lowered to fit the open-file limit (raise LimitNOFILE / ulimit -n, or lower the connection caps)');
  }
  let totalOpen = 0;
  const pools = new Map<string, ConnectionPool>();
  const warned = new Map<string, { at: number; suppressed: number }>();

  function refuse(protocol: string, reason: RefusalReason, limit: number, ip: string): Refusal {
    options.refused?.inc({ protocol, reason });
    const key = `${protocol}:${reason}`;
    const last = warned.get(key);
    const t = now();
    if (last && t - last.at < WARN_EVERY_MS) {
      last.suppressed += 1;
    } else {
      log.warn({ protocol, reason, limit, ip, refusedSinceLastWarning: last?.suppressed ?? 0 }, `${protocol} connection refused: ${reason} limit of ${limit} reached`);
      warned.set(key, { at: t, suppressed: 0 });
    }
    return { ok: false, reason, limit };
  }

  function makePool(protocol: string, limits: PoolLimits, reserve: boolean): ConnectionPool {
    let open = 0;
    const perIp = new Counts();
    const perNetwork = new Counts();
    const sessions = new Counts();
    const listeners: Array<() => void> = [];
    let pressured = false;

    const underPressure = (): boolean => open >= PRESSURE * limits.maxConnections || (!reserve && totalOpen >= PRESSURE * maxTotal);
    const checkPressure = (): void => {
      const busy = underPressure();
      if (busy && !pressured) {
        pressured = true;
        log.warn({ protocol, open, totalOpen, max: limits.maxConnections, maxTotal }, `${protocol} under pressure: idle clients get shorter timeouts`);
        for (const l of listeners) l();
      } else if (!busy) {
        pressured = false;
      }
    };

    return {
      protocol,
      get open() { return open; },
      get underPressure() { return underPressure(); },
      onPressure(listener) { listeners.push(listener); },
      admit(ip) {
        const client = clientKey(ip);
        const network = networkOf(ip, 24, 64);
        if (!reserve && totalOpen >= maxTotal) return refuse(protocol, 'total', maxTotal, ip);
        if (open >= limits.maxConnections) return refuse(protocol, 'protocol', limits.maxConnections, ip);
        if (perIp.get(client) >= limits.maxConnectionsPerIp) return refuse(protocol, 'ip', limits.maxConnectionsPerIp, ip);
        const perNet = limits.maxConnectionsPerNetwork;
        if (perNet !== undefined && perNetwork.get(network) >= perNet) return refuse(protocol, 'network', perNet, ip);
        open += 1;
        if (!reserve) totalOpen += 1;
        perIp.add(client);
        perNetwork.add(network);
        checkPressure();
        let released = false;
        return {
          ok: true,
          release() {
            if (released) return;
            released = true;
            open -= 1;
            if (!reserve) totalOpen -= 1;
            perIp.remove(client);
            perNetwork.remove(network);
            checkPressure();
          },
        };
      },
      admitSession(accountId, ip) {
        const key = `${accountId}\0${clientKey(ip)}`;
        const max = limits.maxSessionsPerAccountIp;
        if (max !== undefined && sessions.get(key) >= max) return refuse(protocol, 'account', max, ip);
        sessions.add(key);
        let released = false;
        return {
          ok: true,
          release() {
            if (released) return;
            released = true;
            sessions.remove(key);
          },
        };
      },
    };
  }

  return {
    pool(protocol, limits, poolOptions = {}) {
      checkBudget();
      let pool = pools.get(protocol);
      if (!pool) {
        pool = makePool(protocol, limits, poolOptions.reserve ?? false);
        pools.set(protocol, pool);
      }
      return pool;
    },
    get total() { return { open: totalOpen, max: maxTotal }; },
  };
}
