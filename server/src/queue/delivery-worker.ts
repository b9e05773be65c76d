// The queue runner (Postfix's qmgr + smtp in one loop): claim due leases,
// deliver each under the connection limits, renew leases while a session
// runs, record outcomes. Any number of workers, in any number of processes,
// may share one store: leases keep them from sending a message twice.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../store/port.ts';
import type { QueueLease, RecipientOutcome } from '../store/queue-port.ts';
import { ConnectionLimiter } from './connection-limiter.ts';
import { deliverLease, type LeaseContext } from './deliver-lease.ts';
import type { LocalTransport } from './local-transport.ts';
import { MxResolver } from './mx-resolver.ts';
import type { SubmitFn } from './notifier.ts';
import type { QueueConfig } from './queue-config.ts';
import { countOutcome, type QueueMetrics } from './queue-metrics.ts';
import type { TracePublisher } from '../events/trace-bus.ts';
import type { SessionHandle } from './smtp-session.ts';

export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliveryWorkerDeps {
  store: Store;
  config: QueueConfig;
  submit: SubmitFn;
  /** Delivers recipients in our own domains (local-transport.ts); without it every domain is routed by MX. */
  local?: LocalTransport;
  metrics?: QueueMetrics;
  /** Message trace for the console: one event per recipient outcome recorded. */
  trace?: TracePublisher;
  logger?: QueueLogger;
  /** Clock for scheduling and leases (tests drive it); real time by default. */
  now?: () => number;
  /** Lease owner id; unique per worker by default. */
  owner?: string;
}

const SMARTHOST_KEY = '[smarthost]';
const PURGE_EVERY_MS = 60 * 60_000;

interface Job { lease: QueueLease; session: SessionHandle | null; stopped: boolean; done: Promise<void> }

export class DeliveryWorker {
  readonly owner: string;
  readonly #deps: DeliveryWorkerDeps;
  readonly #now: () => number;
  readonly #limiter: ConnectionLimiter;
  readonly #resolver: MxResolver;
  readonly #jobs = new Set<Job>();
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  #again = false;
  #lastPurge = 0;

  constructor(deps: DeliveryWorkerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID()}`;
    this.#limiter = new ConnectionLimiter(deps.config.limits.globalConnections, deps.config.limits.perDomainConnections);
    this.#resolver = new MxResolver(deps.config.dns);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.wake();
  }

  /** Scans the queue now (after an enqueue or retry). */
  wake(): void {
    if (!this.#running) return;
    if (this.#ticking) { this.#again = true; return; }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#ticking = this.#tick().finally(() => {
      this.#ticking = null;
      if (this.#again) { this.#again = false; this.wake(); }
    });
  }

  /**
   * Graceful stop: no new claims; running sessions get `stopTimeoutMs` to
   * finish, then are aborted (recorded as deferred); leases not yet used are
   * given back untouched.
   */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#ticking;
    for (const job of this.#jobs) job.stopped = true;
    const all = Promise.all([...this.#jobs].map((j) => j.done));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), this.#deps.config.worker.stopTimeoutMs); });
    if (await Promise.race([all.then(() => 'done' as const), timeout]) === 'timeout') {
      for (const job of this.#jobs) job.session?.abort();
      await all;
    }
    clearTimeout(timer);
    await this.#deps.store.queue.releaseAll(this.owner);
    this.#resolver.cancel();
  }

  /** Claims and delivers everything due now, and waits for it (tests, `stoa queue flush`). */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const leases = await this.#claim();
      if (leases.length === 0 && this.#jobs.size === 0) return total;
      total += leases.length;
      for (const lease of leases) this.#launch(lease);
      await Promise.race([...this.#jobs].map((j) => j.done));
    }
  }

  async #tick(): Promise<void> {
    const { config, store, logger } = this.#deps;
    let delay = config.worker.pollIntervalMs;
    try {
      const leases = await this.#claim();
      for (const lease of leases) this.#launch(lease);
      if (leases.length >= config.worker.batchSize) delay = 0;
      else {
        const due = await store.queue.nextDue();
        if (due !== null) delay = Math.min(delay, Math.max(0, due - this.#now()));
      }
      if (this.#now() - this.#lastPurge >= PURGE_EVERY_MS) {
        this.#lastPurge = this.#now();
        await store.queue.purgeCompleted(this.#now() - config.completedRetentionMs);
      }
    } catch (err) {
      // The store may be briefly unavailable (failover); the queue is durable, so just retry later.
      logger?.error({ err }, 'queue scan failed');
    }
    if (this.#running) this.#timer = setTimeout(() => { this.#timer = null; this.wake(); }, Math.max(delay, 10));
  }

  async #claim(): Promise<QueueLease[]> {
    const { config, store } = this.#deps;
    const full = this.#limiter.fullKeys();
    if (config.smarthost && full.includes(SMARTHOST_KEY)) return [];
    const maxGroups = Math.min(config.worker.batchSize, this.#limiter.freeGlobal);
    if (maxGroups <= 0) return [];
    return store.queue.claim({ owner: this.owner, now: this.#now(), leaseMs: config.worker.leaseMs, maxGroups, skipDomains: full });
  }

  #launch(lease: QueueLease): void {
    const job: Job = { lease, session: null, stopped: false, done: Promise.resolve() };
    job.done = this.#run(job).finally(() => {
      this.#jobs.delete(job);
      this.wake();
    });
    this.#jobs.add(job);
  }

  async #run(job: Job): Promise<void> {
    const { config, store, logger } = this.#deps;
    const { lease } = job;
    const key = config.smarthost ? SMARTHOST_KEY : lease.domain;
    let lost = false;
    // Renewal keeps the lease ahead of a slow session; if another worker took
    // it meanwhile (we stalled past expiry), stop before the final dot.
    const renew = setInterval(() => {
      store.queue.renew(this.owner, lease.message.id, lease.domain, this.#now() + config.worker.leaseMs).then((held) => {
        if (!held) { lost = true; job.session?.abort(); }
      }, (err: unknown) => logger?.warn({ err }, 'lease renewal failed'));
    }, Math.max(1000, Math.floor(config.worker.leaseMs / 3)));
    const release = await this.#limiter.acquire(key);
    try {
      let outcomes: RecipientOutcome[];
      if (job.stopped) {
        outcomes = lease.recipients.map((r) => ({ address: r.address, status: r.status, nextAttemptAt: r.nextAttemptAt, response: null, attempted: false, attempt: null }));
      } else {
        const ctx: LeaseContext = {
          config, resolver: this.#resolver, submit: this.#deps.submit, local: this.#deps.local, now: this.#now,
          readOriginal: (id) => store.blobs.read(id),
          track: (s) => { job.session = s; },
          log: (msg, fields) => logger?.warn({ messageId: lease.message.id, domain: lease.domain, ...fields }, msg),
        };
        outcomes = await deliverLease(ctx, lease);
      }
      if (lost) {
        logger?.warn({ messageId: lease.message.id, domain: lease.domain }, 'lease lost during delivery; outcome left to its new owner');
        return;
      }
      const { updated } = await store.queue.record(this.owner, lease.message.id, outcomes, this.#now());
      for (const o of outcomes) {
        if (!updated.includes(o.address) || !o.attempt) continue;
        countOutcome(this.#deps.metrics, o.attempt.result, o.attempted);
        const r = o.response;
        this.#deps.trace?.publish({
          stage: o.attempt.result, origin: 'queue', sender: lease.message.sender, recipients: [o.address], queueId: lease.message.id,
          ip: o.attempt.ip, reason: r ? `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.text}` : null,
        });
      }
      logger?.info({ messageId: lease.message.id, domain: lease.domain, results: outcomes.map((o) => `${o.address}:${o.status}`) }, 'delivery attempt recorded');
    } catch (err) {
      // The lease runs out and another attempt follows; nothing is lost.
      logger?.error({ err, messageId: lease.message.id, domain: lease.domain }, 'delivery attempt failed');
    } finally {
      clearInterval(renew);
      release();
    }
  }
}
