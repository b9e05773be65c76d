// The server process: opens the store, builds every service once through the
// composition root (services.ts), runs the first start, and starts every
// listener with the services it uses. `stoa serve` (cli/commands/serve.ts)
// calls it and owns signals and the banner; tests and embedders can call it
// directly.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { StoaConfig } from './config/types.ts';
import type { Directory } from './directory/api.ts';
import { bootstrapFirstStart, type BootstrapResult } from './directory/bootstrap.ts';
import type { Logger } from './log/logger.ts';
import { startHousekeeping, type Housekeeping } from './operations/housekeeping.ts';
import { createHttpServer } from './protocols/http/server.ts';
import { startImapListeners, type ImapListeners } from './protocols/imap/server.ts';
import { startManageSieve, type ManageSieveListener } from './protocols/managesieve/server.ts';
import { ListenError } from './protocols/listen.ts';
import { startPop3, type Pop3Listeners } from './protocols/pop3/server.ts';
import { startSmtp, type SmtpAddress, type SmtpFrontEnd } from './protocols/smtp/smtp-listeners.ts';
import type { SyncScheduler } from './directory/ldap/sync-scheduler.ts';
import type { DeliveryWorker } from './queue/delivery-worker.ts';
import { startDeliveryWorker } from './queue/outbound.ts';
import type { QueueService } from './queue/queue-service.ts';
import { createServices } from './services.ts';
import { openStore } from './store/open-store.ts';
import { startMigrationRunner, type MigrationRunner } from './migration-jobs/job-runner.ts';
import type { Store } from './store/port.ts';
import type { FilterService } from './filter/filter-service.ts';
import type { JunkTraining } from './filter/junk-training.ts';
import { loadTlsMaterial, secureContext, tlsServerOptions, type TlsMaterial } from './tls/tls-material.ts';

export { ListenError };

export interface RunningServer {
  /** Actual HTTP address (the configured port may be 0), or null when the listener is disabled. */
  http: { host: string; port: number } | null;
  /** Actual IMAP addresses (STARTTLS and implicit TLS), null for a listener that is off. */
  imap: { host: string; port: number } | null;
  imaps: { host: string; port: number } | null;
  /** Actual POP3 addresses, null for a listener that is off. */
  pop3: { host: string; port: number } | null;
  pop3s: { host: string; port: number } | null;
  /** Actual ManageSieve address, null when the listener is off. */
  managesieve: { host: string; port: number } | null;
  /** Actual SMTP addresses (MX, submission, implicit-TLS submission), null for a listener that is off. */
  smtp: Record<'smtp' | 'submission' | 'smtps', SmtpAddress | null>;
  firstStart: BootstrapResult;
  /** The outbound queue every front end enqueues into (one instance per process). */
  queue: QueueService;
  /** The filter pipeline, its quarantine and classifier (one instance per process). */
  filter: FilterService;
  /** Stops accepting work, lets requests in flight finish, then closes the store. */
  close(): Promise<void>;
}

async function listenHttp(app: FastifyInstance, host: string, port: number): Promise<{ host: string; port: number }> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    throw new ListenError('http', host, port, err as NodeJS.ErrnoException, ' or STOA_HTTP_HOST/STOA_HTTP_PORT');
  }
  const address = app.server.address();
  return { host, port: typeof address === 'object' && address ? address.port : port };
}

/**
 * Starts Stoa on an existing, writable data directory. On failure nothing is
 * left open. `now` is the services' clock (tests inject one; createServices).
 */
export async function startServer(config: StoaConfig, logger: Logger, options: { now?: () => number } = {}): Promise<RunningServer> {
  let store: Store | null = null;
  let app: FastifyInstance | null = null;
  let housekeeping: Housekeeping | null = null;
  let pop3: Pop3Listeners | null = null;
  let managesieve: ManageSieveListener | null = null;
  let imap: ImapListeners | null = null;
  let smtp: SmtpFrontEnd | null = null;
  let worker: DeliveryWorker | null = null;
  let filter: FilterService | null = null;
  let junkTraining: JunkTraining | null = null;
  let migrations: MigrationRunner | null = null;
  let directorySync: SyncScheduler | null = null;
  let directoryRef: Directory | null = null;
  const close = async (): Promise<void> => {
    try {
      await housekeeping?.stop();
      // Running imports stop between two batches and end as interrupted; a new job resumes them without duplicates.
      await migrations?.stop();
      // A running directory sync finishes its writes (it holds a lease in the store) before the store closes.
      await directorySync?.stop();
      // The delivery worker stops with the front ends: its sessions get queue.worker.stopTimeoutMs, then the store closes.
      await Promise.all([app?.close(), pop3?.close(), managesieve?.close(), imap?.close(), smtp?.close(), worker?.stop()]);
      // Verdicts are written behind deliveries in batches: the last batch lands before the store closes;
      // the pooled LDAP connections of directory logins close once no login can start.
      await Promise.all([filter?.verdicts.stop(), junkTraining?.stop(), directoryRef?.close()]);
    } finally {
      await store?.close();
    }
  };
  try {
    store = await openStore(config);
    // The certificate is loaded after the HTTP listener is up; the console's settings page reads it when asked.
    let tlsMaterial: TlsMaterial | null = null;
    const services = createServices(config, store, logger, { tls: () => tlsMaterial, ...(options.now ? { now: options.now } : {}) });
    filter = services.filter;
    junkTraining = services.junkTraining;
    directoryRef = services.directory;
    // The demo domain's DKIM keys come through the directory's provisioning hook, like any domain's.
    const firstStart = await bootstrapFirstStart(store, services.directory, config);
    if (config.queue.worker.enabled) {
      worker = startDeliveryWorker({
        store, config: services.queueConfig, local: services.worker.local, submit: services.worker.submitNotice,
        registry: services.metrics.registry, trace: services.trace, logger: logger.child({ component: 'queue' }),
      });
      const running = worker;
      services.worker.onWake(() => running.wake());
    }

    let http: RunningServer['http'] = null;
    // Migration jobs submitted through the admin API run in this process, a few at a time (issue 15).
    migrations = startMigrationRunner({
      jobs: services.migrations.jobs, execute: services.migrations.execute, logger: logger.child({ component: 'migration' }), maxJobs: config.migration.maxJobs,
    });
    if (config.listeners.http.enabled) {
      app = await createHttpServer({
        config, logger, directory: services.directory, metrics: services.metrics, dkim: services.dkim,
        queue: services.queue, publicFolders: services.publicFolders, health: services.health, sieve: services.sieve,
        filter: services.filter, trace: services.messageTrace, bus: services.bus, system: services.system,
        accountBulk: services.accountBulk, dnsStatus: services.dnsStatus, dav: services.dav, gate: services.connections,
        migrations: { jobs: services.migrations.jobs, runner: migrations },
      });
      http = await listenHttp(app, config.listeners.http.host, config.listeners.http.port);
    }
    const tls = await loadTlsMaterial(config, logger);
    tlsMaterial = tls;
    const { directory, mail, bus } = services;
    pop3 = await startPop3({
      config, auth: directory.auth, mailboxes: mail.mailboxes, messages: mail.messages, maildrops: mail.maildrops, bus, logger,
      tls: { options: tlsServerOptions(tls, config.tls), context: secureContext(tls, config.tls) }, gate: services.connections,
    });
    // ManageSieve (RFC 5804) beside POP3: STARTTLS with the same TLS material, logins through the directory.
    managesieve = await startManageSieve({
      config, logger, secureContext: secureContext(tls, config.tls), services: { auth: directory.auth, sieve: services.sieve },
      gate: services.connections,
    });
    imap = await startImapListeners({
      config, tls, logger, gate: services.connections,
      services: { auth: directory.auth, accounts: directory.accounts, groups: directory.groups, sharedMailboxes: directory.sharedMailboxes, shareTargets: directory.shareTargets, mailboxes: mail.mailboxes, messages: mail.messages, bus },
    });
    // Connections per protocol on /metrics and the console's dashboard (SMTP keeps its own gauge per listener).
    services.metrics.trackConnections('imap', () => imap?.connections ?? 0);
    services.metrics.trackConnections('pop3', () => pop3?.connections ?? 0);
    services.metrics.trackConnections('managesieve', () => managesieve?.connections ?? 0);
    smtp = await startSmtp({
      smtp: config.smtp, listeners: config.listeners, hostname: config.hostname, spoolDir: join(config.dataDir, 'spool'),
      tlsSettings: config.tls, logger, auth: directory.auth, intake: services.intake, tls, metrics: services.metrics, dns: services.dns,
      trace: services.trace, gate: services.connections,
    });
    // Scheduled LDAP/AD syncs (docs/directory-sync.md), once everything that serves the synced accounts listens.
    if (config.directory.scheduler.enabled) directorySync = services.directorySync.start();
    housekeeping = startHousekeeping({ config, store, directory, logger, tasks: services.housekeepingTasks });
    return {
      http, imap: imap.imap, imaps: imap.imaps, pop3: pop3.pop3, pop3s: pop3.pop3s, managesieve: managesieve.address, smtp: smtp.addresses,
      firstStart, queue: services.queue, filter: services.filter, close,
    };
  } catch (err) {
    await close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'cleanup after a failed start failed'));
    throw err;
  }
}
