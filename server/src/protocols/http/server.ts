// The admin API server: Fastify with strict validation, one problem+json
// error handler, the auth gate, and one plugin per API area. It is returned
// ready but not listening; main.ts decides where it listens.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/api.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { PublicFolderService } from '../../mail/public-folder-service.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import type { Store } from '../../store/port.ts';
import pkg from '../../../../package.json' with { type: 'json' };
import { accountsRoutes } from './accounts.ts';
import { aliasesRoutes } from './aliases.ts';
import { auditRoutes } from './audit.ts';
import { autoconfigRoutes } from './autoconfig.ts';
import { authGate } from './auth.ts';
import { dkimRoutes } from './dkim.ts';
import { domainsRoutes } from './domains.ts';
import { createDkimKeys, type DkimKeys } from '../../mail-auth/dkim-keys.ts';
import { groupsRoutes } from './groups.ts';
import { healthRoutes } from './health.ts';
import { meRoutes } from './me.ts';
import { createMetrics, requestMetrics, type Metrics } from './metrics.ts';
import { createAccountBulkService } from '../../directory/account-bulk.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { TraceBus } from '../../events/trace-bus.ts';
import { createDnsStatus } from '../../mail-auth/dns-status.ts';
import { createDnsResolver, type DnsLookups } from '../../mail-auth/dns-resolver.ts';
import { createSystemService } from '../../system/system-service.ts';
import type { TlsMaterial } from '../../tls/tls-material.ts';
import { consoleSite } from './console-site.ts';
import { liveRoutes, registerWebSocket } from './live.ts';
import { systemRoutes } from './system.ts';
import { openapi } from './openapi.ts';
import { installProblemHandlers } from './problem.ts';
import { publicFoldersRoutes } from './public-folders.ts';
import { queueRoutes } from './queue.ts';
import { resourcesRoutes } from './resources.ts';
import { sessionRoutes } from './sessions.ts';
import { createValidatorCompiler } from './validation.ts';

export interface HttpServerDeps {
  config: StoaConfig;
  store: Store;
  directory: Directory;
  logger: Logger;
  /** DKIM key service; built from the store when absent. */
  dkim?: DkimKeys;
  /** Shared with the other front ends so one /metrics shows every protocol; created here when absent. */
  metrics?: Metrics;
  /** The outbound queue's operations; its routes are absent when the queue is not running. */
  queue?: QueueService;
  /** Public folder administration; its routes are absent when mail services are not wired. */
  publicFolders?: PublicFolderService;
  /** Message trace events for the console's live channel (events/trace-bus.ts). */
  trace?: TraceBus;
  /** The change bus: the live channel counts mailbox deliveries from it. */
  bus?: ChangeBus;
  /** The shared DNS resolver (DNS status of domains); one is built from the config when absent. */
  dns?: DnsLookups;
  /** The certificate the TLS listeners use, for the settings page. */
  tls?: () => TlsMaterial | null;
  /** When the server process started (uptime on the dashboard). */
  startedAt?: Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The metrics registry and counters this server reports on GET /metrics. */
    metrics: Metrics;
  }
}

export async function createHttpServer(deps: HttpServerDeps): Promise<FastifyInstance> {
  const { config, store, directory } = deps;
  const metrics = deps.metrics ?? createMetrics();

  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.api.bodyLimitBytes,
    trustProxy: config.listeners.http.trustProxy,
    // Ids and addresses in paths may be long (an address is up to 320 octets, URL-encoded).
    routerOptions: { maxParamLength: 1000, ignoreTrailingSlash: true },
    // JSON with "__proto__" or "constructor.prototype" is refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });

  app.setValidatorCompiler(createValidatorCompiler());
  // Only JSON bodies: dropping the text/plain parser makes any other media
  // type a 415 instead of a confusing "body must be object".
  app.removeContentTypeParser('text/plain');
  installProblemHandlers(app);
  app.decorate('metrics', metrics);

  await app.register(openapi, { version: pkg.version });
  await app.register(cookie);
  await app.register(requestMetrics, { metrics });
  await registerWebSocket(app);
  await app.register(authGate, { config, directory });

  await app.register(healthRoutes, { store });
  await app.register(autoconfigRoutes, { config });
  if (config.console.enabled) await app.register(consoleSite, { config });
  const system = createSystemService({
    config, store, directory, version: pkg.version, startedAt: deps.startedAt ?? new Date(), tls: deps.tls, queueWorker: Boolean(deps.queue) && config.queue.worker.enabled,
  });
  await app.register(async (api) => {
    await api.register(sessionRoutes, { config, directory, metrics });
    await api.register(meRoutes, { directory, metrics });
    const dkim = deps.dkim ?? createDkimKeys(store, config);
    await api.register(domainsRoutes, { directory, dkim });
    await api.register(dkimRoutes, { directory, dkim });
    const bulk = createAccountBulkService({ directory, minPasswordLength: config.auth.minPasswordLength });
    await api.register(accountsRoutes, { directory, bulk });
    const dnsStatus = createDnsStatus({ config, resolver: deps.dns ?? createDnsResolver(config), dkim, domains: directory.domains });
    await api.register(systemRoutes, { system, dnsStatus });
    await api.register(liveRoutes, { config, directory, metrics, version: pkg.version, trace: deps.trace, bus: deps.bus, queue: deps.queue });
    await api.register(groupsRoutes, { directory });
    await api.register(aliasesRoutes, { directory });
    await api.register(resourcesRoutes, { directory });
    await api.register(auditRoutes, { directory });
    if (deps.queue) await api.register(queueRoutes, { queue: deps.queue });
    if (deps.publicFolders) await api.register(publicFoldersRoutes, { publicFolders: deps.publicFolders });
  }, { prefix: '/api/v1' });

  await app.ready();
  return app;
}
