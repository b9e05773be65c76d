// The admin API server: Fastify with strict validation, one problem+json
// error handler, the auth gate, and one plugin per API area. It is returned
// ready but not listening; main.ts decides where it listens.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/api.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { PublicFolderService } from '../../mail/public-folder-service.ts';
import type { HealthService } from '../../operations/health.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import type { FilterService } from '../../filter/filter-service.ts';
import type { SieveService } from '../../sieve/sieve-service.ts';
import type { AccountBulkService } from '../../directory/account-bulk.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { TraceService } from '../../events/trace-service.ts';
import type { DnsStatusService } from '../../mail-auth/dns-status.ts';
import type { SystemService } from '../../system/system-service.ts';
import pkg from '../../../../package.json' with { type: 'json' };
import { accountsRoutes } from './accounts.ts';
import { aliasesRoutes } from './aliases.ts';
import { auditRoutes } from './audit.ts';
import { autoconfigRoutes } from './autoconfig.ts';
import { authGate } from './auth.ts';
import { consoleSite } from './console-site.ts';
import { dkimRoutes } from './dkim.ts';
import { directorySyncRoutes } from './directory-sync.ts';
import { domainsRoutes } from './domains.ts';
import type { DkimKeys } from '../../mail-auth/dkim-keys.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import { filterRoutes } from './filter.ts';
import { groupsRoutes } from './groups.ts';
import { healthRoutes } from './health.ts';
import { liveRoutes, registerWebSocket } from './live.ts';
import { meRoutes } from './me.ts';
import { requestMetrics } from './metrics.ts';
import { openapi } from './openapi.ts';
import { clientErrorHandler, frameworkErrorHandler, installProblemHandlers } from './problem.ts';
import { publicFoldersRoutes } from './public-folders.ts';
import { queueRoutes } from './queue.ts';
import { migrationRoutes } from './migrations.ts';
import type { MigrationRunner } from '../../migration-jobs/job-runner.ts';
import type { MigrationJobService } from '../../migration-jobs/job-service.ts';
import { resourcesRoutes } from './resources.ts';
import { limitConnections } from './connection-limit.ts';
import type { ConnectionGate } from '../../operations/connection-gate.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionRoutes } from './sessions.ts';
import { meDelegationRoutes, sharedMailboxRoutes } from './shared-mailboxes.ts';
import { sieveAdminRoutes } from './sieve-admin.ts';
import { sieveMeRoutes } from './sieve-me.ts';
import { systemRoutes } from './system.ts';
import { createSchemaCompilers, trackSchemaCompilers } from './schema-compilers.ts';
import { davPlugin } from '../dav/plugin.ts';
import type { DavServices } from '../dav/context.ts';
import { davAdminRoutes } from './dav-admin.ts';

export interface HttpServerDeps {
  config: StoaConfig;
  directory: Directory;
  logger: Logger;
  dkim: DkimKeys;
  /** Shared with the other front ends so one /metrics shows every protocol. */
  metrics: Metrics;
  /** Readiness (GET /readyz). */
  health: HealthService;
  /** The outbound queue's operations; its routes are absent when the queue is not running. */
  queue?: QueueService;
  /** Public folder administration; its routes are absent when mail services are not wired. */
  publicFolders?: PublicFolderService;
  /** Rules, out-of-office and Sieve scripts; its routes are absent when not wired. */
  sieve?: SieveService;
  /** Quarantine, verdicts and training; the routes are absent when the filter is not wired. */
  filter?: FilterService;
  /** Message trace events for the console's live channel, as each viewer may see them. */
  trace: TraceService;
  /** The change bus: the live channel counts mailbox deliveries from it, and account events end remembered DAV logins at once. */
  bus: ChangeBus;
  /** Version, uptime, storage and read-only settings (GET /system*). */
  system: SystemService;
  /** Bulk enable/disable and CSV import of accounts. */
  accountBulk: AccountBulkService;
  /** DNS records of a domain (GET /domains/{id}/dns). */
  dnsStatus: DnsStatusService;
  /** Calendars and address books: the DAV front end under /dav/ and their admin routes; absent when not wired. */
  dav?: DavServices;
  /** The process's connection caps: HTTP has its own pool, outside the mail listeners' total (the reserve). */
  gate: ConnectionGate;
  /** Migration jobs (issue 15); their routes are absent when no job runner is wired. */
  migrations?: { jobs: MigrationJobService; runner: MigrationRunner };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The metrics registry and counters this server reports on GET /metrics. */
    metrics: Metrics;
  }
}

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const { config, directory, metrics, dkim } = deps;

  // Validators and serializers compiled at each route's first request (schema-compilers.ts).
  const schemaCompilers = createSchemaCompilers();
  const app = Fastify({
    schemaController: { compilersFactory: schemaCompilers.compilersFactory },
    loggerInstance: deps.logger.child({ proto: 'http' }) as FastifyBaseLogger,
    // The request id is the "connection" of the shared log shape { proto, conn, ip, user }.
    logController: new LogController({ requestIdLogLabel: 'conn' }),
    childLoggerFactory: (logger, bindings, options, rawRequest) => logger.child({ ...bindings, ip: rawRequest.socket.remoteAddress }, options),
    bodyLimit: config.api.bodyLimitBytes,
    trustProxy: config.listeners.http.trustProxy,
    // Ids and addresses in paths may be long (an address is up to 320 octets, URL-encoded).
    routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true },
    // JSON with "__proto__" or "constructor.prototype" is refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // The router's and Node's own refusals as problem documents that do not echo the URL (docs/security.md "HTTP").
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });

  trackSchemaCompilers(app, schemaCompilers);
  // Only JSON bodies: dropping the text/plain parser makes any other media
  // type a 415 instead of a confusing "body must be object".
  app.removeContentTypeParser('text/plain');
  // Many HTTP clients send "Content-Type: application/json" on every request,
  // DELETE and logout included, with no body. For a route that takes no body
  // that is simply no body (issue 16 item 24); a route that takes one still
  // answers STOA_BAD_JSON, as for any other unparsable body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && !request.routeOptions.schema?.body) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  installProblemHandlers(app);
  app.decorate('metrics', metrics);
  await app.register(securityHeaders);

  await app.register(openapi, { version: pkg.version });
  await app.register(cookie);
  await app.register(requestMetrics, { metrics, access: config.api.metrics });
  // Before the auth gate (live.ts): a refused WebSocket upgrade must get its socket closed after the answer.
  await registerWebSocket(app);
  await app.register(authGate, { config, directory });

  await app.register(healthRoutes, { health: deps.health });
  await app.register(autoconfigRoutes, { config, directory });
  if (config.console.enabled) await app.register(consoleSite, { config: config.console });
  await app.register(async (api) => {
    await api.register(sessionRoutes, { config, directory });
    await api.register(meRoutes, { directory });
    await api.register(domainsRoutes, { directory });
    await api.register(dkimRoutes, { directory, dkim });
    await api.register(accountsRoutes, { directory, bulk: deps.accountBulk });
    await api.register(systemRoutes, { system: deps.system, dnsStatus: deps.dnsStatus });
    await api.register(liveRoutes, {
      settings: config.console, directory, metrics, version: pkg.version, trace: deps.trace, bus: deps.bus, ...(deps.queue ? { queue: deps.queue } : {}),
    });
    await api.register(groupsRoutes, { directory });
    await api.register(aliasesRoutes, { directory });
    await api.register(resourcesRoutes, { directory });
    await api.register(sharedMailboxRoutes, { directory });
    await api.register(meDelegationRoutes, { directory });
    await api.register(auditRoutes, { directory });
    await api.register(directorySyncRoutes, { directory });
    if (deps.queue) await api.register(queueRoutes, { queue: deps.queue });
    if (deps.publicFolders) await api.register(publicFoldersRoutes, { publicFolders: deps.publicFolders });
    if (deps.sieve) {
      await api.register(sieveMeRoutes, { sieve: deps.sieve });
      await api.register(sieveAdminRoutes, { sieve: deps.sieve });
    }
    if (deps.filter) await api.register(filterRoutes, { filter: deps.filter, config: config.filter });
    if (deps.dav) await api.register(davAdminRoutes, { collections: deps.dav.collections, directory });
    if (deps.migrations) await api.register(migrationRoutes, deps.migrations);
  }, { prefix: '/api/v1' });
  // CalDAV/CardDAV (docs/dav.md): its own authentication (Basic or the session cookie) and DAV error bodies.
  if (deps.dav && config.dav.enabled) await app.register(davPlugin, { config, directory, services: deps.dav, ...(deps.bus ? { bus: deps.bus } : {}) });

  limitConnections(app, deps.gate, config);
  await app.ready();
  return app;
}
