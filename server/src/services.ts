// The composition root: every service of the process is built here, once,
// over one store, and handed to whoever needs it. main.ts (the server) and
// the CLI both call createServices; front ends receive what they use and
// never build a service of their own. New-domain provisioning (DKIM keys)
// is wired here into the directory, so it happens whoever creates a domain.
import { createCalendarCodec } from './calendar/calendar-codec.ts';
import { createCalendarService } from './calendar/calendar-service.ts';
import type { CalendarService } from './calendar/api.ts';
import { createImipReceiver } from './calendar/imip-inbound.ts';
import { createImipSender } from './calendar/imip-outbound.ts';
import { createScheduler, type Scheduler } from './calendar/scheduling.ts';
import type { CollectionService } from './collections/api.ts';
import { createCollectionService } from './collections/collection-service.ts';
import { createFilesCodec } from './collections/files-codec.ts';
import { davTombstonePruneTask } from './collections/sync-log-prune.ts';
import type { StoaConfig } from './config/types.ts';
import type { ContactsService } from './contacts/api.ts';
import { cardLimits } from './contacts/card-shape.ts';
import { createContactsCodec } from './contacts/contacts-codec.ts';
import { createContactsService } from './contacts/contacts-service.ts';
import { systemActor } from './directory/access.ts';
import type { Directory } from './directory/api.ts';
import { createAccountBulkService, type AccountBulkService } from './directory/account-bulk.ts';
import { createDirectory } from './directory/directory.ts';
import { startSyncScheduler, type SyncScheduler } from './directory/ldap/sync-scheduler.ts';
import type { ChangeBus } from './events/change-bus.ts';
import { LocalChangeBus } from './events/local-change-bus.ts';
import { TraceBus } from './events/trace-bus.ts';
import { createTraceService, type TraceService } from './events/trace-service.ts';
import { createFilterService, type FilterService } from './filter/filter-service.ts';
import { createJunkTraining, type JunkTraining } from './filter/junk-training.ts';
import type { IntakeService } from './intake/api.ts';
import { createIntakeService, submitNotice } from './intake/intake-service.ts';
import { createLocalTransport } from './intake/local-transport.ts';
import { createNoticeDelivery, createReleaseDelivery } from './intake/quarantine-release.ts';
import type { Logger } from './log/logger.ts';
import { createDkimKeys, type DkimKeys } from './mail-auth/dkim-keys.ts';
import { createDkimSigner } from './mail-auth/dkim-sign.ts';
import { createDnsResolver, mailauthResolver, type CachedResolver } from './mail-auth/dns-resolver.ts';
import { createDnsStatus, type DnsStatusService } from './mail-auth/dns-status.ts';
import { createInboundAuthenticator } from './mail-auth/inbound.ts';
import { expungeLogPruneTask } from './mail/expunge-log.ts';
import { createMailServices, type MailServices } from './mail/mail-services.ts';
import { createPublicFolderService, type PublicFolderService } from './mail/public-folder-service.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { createImportService, type ImportService } from './migration-jobs/import-service.ts';
import type { JobExecutor } from './migration-jobs/job-runner.ts';
import { createMigrationJobService, type MigrationJobService } from './migration-jobs/job-service.ts';
import { createConnectionGate, type ConnectionGate } from './operations/connection-gate.ts';
import { createHealthService, type HealthService } from './operations/health.ts';
import type { HousekeepingTask } from './operations/housekeeping.ts';
import type { LocalTransport } from './queue/local-transport.ts';
import type { SubmitFn } from './queue/notifier.ts';
import { queueConfigFrom, type QueueConfig } from './queue/queue-config.ts';
import { createQueueService, type QueueService } from './queue/queue-service.ts';
import { createDeliveryRules } from './sieve/delivery-rules.ts';
import { createSieveService, type SieveService } from './sieve/sieve-service.ts';
import type { Store } from './store/port.ts';
import { createSystemService, type SystemService } from './system/system-service.ts';
import type { TlsMaterial } from './tls/tls-material.ts';
import pkg from '../../package.json' with { type: 'json' };

/** Calendars, address books and the WebDAV file area (docs/dav.md): what the DAV front end and the admin API call. */
export interface DavServiceSet {
  collections: CollectionService;
  calendar: CalendarService;
  contacts: ContactsService;
  /** Implicit scheduling (RFC 6638) and iMIP (RFC 6047): the calendar service and the intake hand it their work. */
  scheduler: Scheduler;
}

export interface Services {
  config: StoaConfig;
  logger: Logger;
  /** One change bus per process: IMAP IDLE, session ends, DAV sync and live views listen to it. */
  bus: ChangeBus;
  /** One registry for every front end, exposed at /metrics. */
  metrics: Metrics;
  /**
   * One message trace for the console's live view: the intake publishes what
   * it accepted and where each recipient went, SMTP the refusals it
   * answered, the queue worker its delivery attempts.
   */
  trace: TraceBus;
  /** The trace as a caller may see it (server admins everything, domain admins their domains). */
  messageTrace: TraceService;
  /** One cached, deadline-bounded resolver for DNSBL, SPF/DKIM/DMARC and reverse names. */
  dns: CachedResolver;
  directory: Directory;
  /**
   * Scheduled LDAP/AD syncs (directory.ldap): main.ts starts the scheduler
   * after the listeners and stops it before the store closes; the CLI and
   * the API sync on demand through directory.ldap instead.
   */
  directorySync: { start(): SyncScheduler };
  mail: MailServices;
  publicFolders: PublicFolderService;
  dkim: DkimKeys;
  queue: QueueService;
  queueConfig: QueueConfig;
  intake: IntakeService;
  /** Sieve scripts, rules and out-of-office (ManageSieve, the API, delivery). */
  sieve: SieveService;
  health: HealthService;
  /** Version, uptime, storage per domain and account, read-only settings (the console). */
  system: SystemService;
  /** Many accounts at once: bulk enable/disable and CSV import with a dry run. */
  accountBulk: AccountBulkService;
  /** The DNS records a domain should publish and what DNS answers now. */
  dnsStatus: DnsStatusService;
  /** Connection caps of every listener, counted once per process (docs/security.md "Connections"). */
  connections: ConnectionGate;
  /** The filter pipeline, its quarantine, verdicts and classifier (docs/filtering.md). */
  filter: FilterService;
  /** CalDAV, CardDAV and the file area. */
  dav: DavServiceSet;
  /** Learns from users moving mail into and out of Junk; stopped before the store closes. */
  junkTraining: JunkTraining;
  /** What the queue's delivery worker hands local recipients and notices to (both the intake). */
  worker: { local: LocalTransport; submitNotice: SubmitFn; wake(): void; onWake(fn: () => void): void };
  /**
   * Migrations (issue 15): the jobs and their checkpoints, the import
   * service the importer writes through (mail by the intake, origin
   * 'import'), and the engine that runs an API-submitted job; main.ts
   * starts the job runner over them.
   */
  migrations: { jobs: MigrationJobService; importer: ImportService; execute: JobExecutor };
  /** Clean-ups each module owns, run by housekeeping. */
  housekeepingTasks: HousekeepingTask[];
}

export interface ServicesOptions {
  /** Clock in ms since the epoch (tests move it). */
  now?: () => number;
  /** Registers process metrics (event loop, memory) in the registry; off in tests that build many. */
  defaultMetrics?: boolean;
  /** The certificate the TLS listeners use once loaded (main.ts), for the console's settings page. */
  tls?: () => TlsMaterial | null;
  /** Where directory bind passwords (bindPasswordEnv) and STOA_DIRECTORY_SECRET_KEY are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export function createServices(config: StoaConfig, store: Store, logger: Logger, options: ServicesOptions = {}): Services {
  const bus = new LocalChangeBus({ onListenerError: (err) => logger.warn({ err }, 'change listener failed') });
  const metrics = createMetrics({ defaultMetrics: options.defaultMetrics });
  const trace = new TraceBus({ ...(options.now ? { now: options.now } : {}), onListenerError: (err) => logger.warn({ err }, 'live trace listener failed') });
  const startedAt = new Date(options.now?.() ?? Date.now());
  const dkim = createDkimKeys(store, config);
  const directoryLog = logger.child({ component: 'directory' });
  const directory = createDirectory(store, config, {
    now: options.now,
    bus,
    ...(options.env ? { env: options.env } : {}),
    // Why a directory login did not pass (wrong password, disabled, locked, outage): for the admin only, never the user.
    // Every sync run (why it failed, how many entries it skipped) and every failed connection test get a line too.
    ldapLog: {
      refused: (e) => directoryLog.warn(e, 'directory login refused'),
      unavailable: (e) => directoryLog.warn(e, 'directory unavailable for login'),
      ran: (run, connection) => {
        const line = { connection, trigger: run.trigger, mode: run.mode, dryRun: run.dryRun, status: run.status, server: run.server, users: run.users, groups: run.groups, counts: run.counts, error: run.error };
        if (run.status === 'ok') directoryLog.info(line, 'directory sync');
        else directoryLog.warn(line, 'directory sync');
      },
      testFailed: (connection, step, detail) => directoryLog.warn({ connection, step, detail }, 'directory connection test failed'),
    },
    onAuthAttempt: (protocol, result) => metrics.authAttempts.inc({ protocol, result }),
    onPasswordCheck: () => metrics.passwordChecks.inc(),
    onDomainCreated: async (domain) => {
      // A new domain signs its mail from the first message on: its DKIM keys come with it.
      await dkim.ensureKey(domain);
    },
  });
  // Users' moves into and out of Junk train their classifier; the trainer is built with the filter below.
  let junkTraining: JunkTraining | null = null;
  const mail = createMailServices({ store, bus, access: { anyoneCrossesDomains: config.mail.acl.crossDomain }, limits: config.mail.limits, onTransfer: (t) => junkTraining?.observe(t) });
  const publicFolders = createPublicFolderService({ store, bus, directory, limits: config.mail.limits });
  const dns = createDnsResolver(config);
  const queueConfig = queueConfigFrom(config);
  let wakeWorker: () => void = () => undefined;
  const queue = createQueueService({ store, config: queueConfig, onEnqueue: () => wakeWorker() });
  // The filter hands released and digest mail to the intake, which is built next and filters with it.
  let intakeRef: IntakeService | null = null;
  const intakeOf = (): IntakeService => intakeRef!;
  const filterLog = logger.child({ component: 'filter' });
  const releaseDeps = {
    intake: { accept: (r: Parameters<IntakeService['accept']>[0]) => intakeOf().accept(r) }, accounts: directory.accounts, sharedMailboxes: directory.sharedMailboxes, log: filterLog,
  };
  const filter = createFilterService({
    config, store, logger: filterLog, dns, inbound: createInboundAuthenticator(config, logger, mailauthResolver(dns)),
    deliverReleased: createReleaseDelivery(releaseDeps), deliverNotice: createNoticeDelivery(releaseDeps), registry: metrics.registry,
    ...(options.now ? { now: options.now } : {}),
  });
  junkTraining = createJunkTraining({ store, train: filter.train, maxScanBytes: config.filter.maxScanBytes, log: filterLog });
  const signer = createDkimSigner(store, logger);
  const dav = createDav(config, store, directory, bus, {
    // iMIP out (RFC 6047) is mail like any other: through the intake, as the organizer (or answering attendee), DKIM-signed.
    intake: { accept: (r) => intakeOf().accept(r) }, log: logger.child({ component: 'calendar' }), now: options.now,
  });
  const sieve = createSieveService({ store, directory, settings: config.sieve, ...(options.now ? { now: () => new Date(options.now!()).toISOString() } : {}) });
  const intake = createIntakeService({
    hostname: config.hostname,
    addresses: directory.addresses,
    grants: directory.grants,
    mail,
    queue,
    queueConfig,
    filter,
    maxScanBytes: config.filter.maxScanBytes,
    sign: (message, fromDomain) => signer.signMessage(message, fromDomain),
    duplicateWindowMs: config.smtp.duplicateWindowMs,
    localSenders: { addresses: directory.addresses, dns, settings: config.mailAuth },
    rules: createDeliveryRules({
      sieve, accounts: directory.accounts, addresses: directory.addresses, mailboxes: mail.mailboxes,
      vacationMemory: store.sieveVacation, hostname: config.hostname, now: options.now,
    }),
    trace,
    maxImportBytes: config.migration.maxMessageBytes,
    // iMIP in: the scheduling part of delivered mail (replies to local organizers, invitations for local attendees).
    calendar: { messages: createImipReceiver({ scheduler: dav.scheduler }), maxMessageBytes: config.dav.imipMaxMessageBytes },
    now: options.now,
  });
  intakeRef = intake;
  const queueLog = logger.child({ component: 'queue' });
  const migrationJobs = createMigrationJobService({ store, ...(options.now ? { now: () => new Date(options.now!()) } : {}) });
  const importer = createImportService({ store, mail, intake, collections: dav.collections, log: logger.child({ component: 'migration' }) });
  const server = systemActor();
  let executor: Promise<JobExecutor> | null = null;
  return {
    config, logger, bus, metrics, trace, messageTrace: createTraceService({ bus: trace, domains: store.domains }), dns, directory,
    directorySync: {
      start: () => startSyncScheduler({
        service: directory.ldap, tickMs: config.directory.scheduler.tickMs, now: options.now ?? Date.now,
        log: { failed: (connection, err) => directoryLog.error({ connection, err }, 'directory sync failed') },
      }),
    },
    mail, publicFolders, dkim, queue, queueConfig, intake, sieve, dav,
    health: createHealthService(store),
    system: createSystemService({
      config, store, version: pkg.version, startedAt, tls: options.tls, queueWorker: config.queue.worker.enabled,
      ...(options.now ? { now: () => new Date(options.now!()) } : {}),
    }),
    accountBulk: createAccountBulkService({ directory, minPasswordLength: config.auth.minPasswordLength }),
    dnsStatus: createDnsStatus({ hostname: config.hostname, listeners: config.listeners, resolver: dns, dkim, domains: directory.domains, ...(options.now ? { now: () => new Date(options.now!()) } : {}) }),
    connections: createConnectionGate({
      maxTotal: config.connections.maxTotal, reserved: config.api.maxConnections, logger,
      refused: metrics.connectionsRefused, ...(options.now ? { now: options.now } : {}),
    }),
    filter,
    junkTraining,
    worker: {
      local: createLocalTransport({ intake, isLocalDomain: (domain) => directory.addresses.isLocalDomain(domain), log: queueLog }),
      submitNotice: (bytes, from, to) => submitNotice(intake, { log: queueLog }, bytes, from, to),
      wake: () => wakeWorker(),
      onWake(fn) {
        wakeWorker = fn;
      },
    },
    migrations: {
      jobs: migrationJobs,
      importer,
      // The import tool's engine (migration/, issue 15), loaded when the first job runs: the CLI and the server pay for it only then.
      execute: async (job, secrets, ctx) => {
        executor ??= import('../../migration/src/job-executor.ts').then(({ createJobExecutor }) => createJobExecutor({
          importer, accounts: directory.accounts, checkpoints: migrationJobs.checkpoints(server), spoolDir: config.migration.spoolDir,
        }));
        return (await executor)(job, secrets, ctx);
      },
    },
    housekeepingTasks: [
      ...filter.housekeepingTasks(),
      expungeLogPruneTask({ config, messages: store.messages }),
      davTombstonePruneTask({ config: config.dav, dav: store.dav }),
      {
        name: 'migrationJobs',
        run: () => migrationJobs.prune(server, new Date((options.now ?? Date.now)() - config.migration.jobRetentionDays * 86_400_000).toISOString()),
      },
    ],
  };
}

/**
 * The DAV services over one store, with the limits of the `dav:` section.
 * Scheduling looks attendees up in the directory and sends iMIP through the
 * intake; committed changes are published on the bus (DavCollectionChange).
 */
function createDav(
  config: StoaConfig, store: Store, directory: Directory, bus: ChangeBus,
  deps: { intake: Pick<IntakeService, 'accept'>; log: Logger; now?: () => number },
): DavServiceSet {
  const limits = config.dav;
  const calendarLimits = {
    maxBytes: limits.maxResourceBytes, maxComponents: 2000, maxDepth: 6,
    maxInstances: limits.maxInstances, maxIterations: Math.max(100_000, limits.maxInstances * 10),
  };
  const vcardLimits = cardLimits(limits.maxResourceBytes);
  const now = deps.now ?? Date.now;
  const collections = createCollectionService({
    store, bus, maxGrants: limits.maxGrants, maxCollections: limits.maxCollections, maxObjectsPerCollection: limits.maxObjectsPerCollection,
    codecs: {
      calendar: createCalendarCodec(calendarLimits),
      addressbook: createContactsCodec(vcardLimits),
      files: createFilesCodec({ maxBytes: limits.maxResourceBytes }),
    },
    now: () => new Date(now()).toISOString(),
  });
  const scheduler = createScheduler({
    store, collections, addresses: directory.addresses, limits: calendarLimits, inboxMaxItems: limits.scheduleInboxMaxItems,
    sendImip: createImipSender({ intake: deps.intake, accounts: directory.accounts, sharedMailboxes: directory.sharedMailboxes, hostname: config.hostname, log: deps.log, now }),
  });
  return {
    collections,
    scheduler,
    calendar: createCalendarService({ collections, scheduler, limits: { ...calendarLimits, maxExpandDays: limits.maxExpandDays }, now }),
    contacts: createContactsService({ store, collections, limits: { ...vcardLimits, directoryMaxEntries: limits.directoryMaxEntries } }),
  };
}
