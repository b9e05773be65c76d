// The server process: opens the store, wires the directory, runs the first
// start, and starts every listener. `stoa serve` (cli/commands/serve.ts)
// calls it and owns signals and the banner; tests and embedders can call it
// directly.
import type { FastifyInstance } from 'fastify';
import type { StoaConfig } from './config/types.ts';
import { bootstrapFirstStart, type BootstrapResult } from './directory/bootstrap.ts';
import { createDirectory } from './directory/directory.ts';
import { createDkimKeys } from './mail-auth/dkim-keys.ts';
import { LocalChangeBus } from './events/local-change-bus.ts';
import { TraceBus } from './events/trace-bus.ts';
import { expungeLogPruneTask } from './mail/expunge-log.ts';
import { createMailServices } from './mail/mail-services.ts';
import { createPublicFolderService } from './mail/public-folder-service.ts';
import { startPop3, type Pop3Listeners } from './protocols/pop3/server.ts';
import { startImapListeners, type ImapListeners } from './protocols/imap/server.ts';
import { createDnsbl } from './filter/dnsbl.ts';
import { createGreylist } from './filter/greylist.ts';
import { createIpLists } from './filter/ip-lists.ts';
import { createRateLimiter } from './filter/rate-limit.ts';
import { createDkimSigner } from './mail-auth/dkim-sign.ts';
import { createDnsResolver, mailauthResolver } from './mail-auth/dns-resolver.ts';
import { createInboundAuthenticator } from './mail-auth/inbound.ts';
import { createMetrics } from './metrics/metrics.ts';
import { startSmtp, type SmtpAddress, type SmtpFrontEnd } from './protocols/smtp/smtp-listeners.ts';
import { queueConfigFrom } from './queue/queue-config.ts';
import { startOutboundQueue, type OutboundQueue } from './queue/outbound.ts';
import type { QueueService } from './queue/queue-service.ts';
import { loadTlsMaterial, secureContext, tlsServerOptions, type TlsMaterial } from './tls/tls-material.ts';
import type { Logger } from './log/logger.ts';
import { startHousekeeping, type Housekeeping } from './housekeeping.ts';
import { createHttpServer } from './protocols/http/server.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/port.ts';

export interface RunningServer {
  /** Actual HTTP address (the configured port may be 0), or null when the listener is disabled. */
  http: { host: string; port: number } | null;
  /** Actual IMAP addresses (STARTTLS and implicit TLS), null for a listener that is off. */
  imap: { host: string; port: number } | null;
  imaps: { host: string; port: number } | null;
  /** Actual POP3 addresses, null for a listener that is off. */
  pop3: { host: string; port: number } | null;
  pop3s: { host: string; port: number } | null;
  /** Actual SMTP addresses (MX, submission, implicit-TLS submission), null for a listener that is off. */
  smtp: Record<'smtp' | 'submission' | 'smtps', SmtpAddress | null>;
  firstStart: BootstrapResult;
  /** The outbound queue every front end enqueues into (one instance per process). */
  queue: QueueService;
  /** Stops accepting work, lets requests in flight finish, then closes the store. */
  close(): Promise<void>;
}

/** A listen failure an operator can fix, with the reason in words. */
export class ListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'ListenError';
  }
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<{ host: string; port: number }> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is taken by another program (another Stoa?)'
      : code === 'EACCES' ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE'
        : code === 'EADDRNOTAVAIL' ? 'no interface has that address' : (err as Error).message;
    throw new ListenError(`cannot listen for HTTP on ${host}:${port}: ${why}; change listeners.http.host/port or STOA_HTTP_HOST/STOA_HTTP_PORT`, { cause: err });
  }
  const address = app.server.address();
  return { host, port: typeof address === 'object' && address ? address.port : port };
}

/** Starts Stoa on an existing, writable data directory. On failure nothing is left open. */
export async function startServer(config: StoaConfig, logger: Logger): Promise<RunningServer> {
  let store: Store | null = null;
  let app: FastifyInstance | null = null;
  let housekeeping: Housekeeping | null = null;
  let pop3: Pop3Listeners | null = null;
  let imap: ImapListeners | null = null;
  let smtp: SmtpFrontEnd | null = null;
  let outbound: OutboundQueue | null = null;
  const close = async (): Promise<void> => {
    try {
      await housekeeping?.stop();
      // The delivery worker stops with the front ends: its sessions get queue.worker.stopTimeoutMs, then the store closes.
      await Promise.all([app?.close(), pop3?.close(), imap?.close(), smtp?.close(), outbound?.stop()]);
    } finally {
      await store?.close();
    }
  };
  const startedAt = new Date();
  try {
    store = await openStore(config);
    const directory = createDirectory(store, config);
    const firstStart = await bootstrapFirstStart(store, directory, config);
    // The demo domain signs its mail like any other: its DKIM keys come with it.
    if (firstStart.demo) {
      const demo = await store.domains.getByName(firstStart.demo.domain);
      if (demo) await createDkimKeys(store, config).ensureKey(demo);
    }
    let http: RunningServer['http'] = null;
    // One registry for every front end, exposed by the HTTP server at /metrics.
    const metrics = createMetrics();
    // One bus per process: IMAP IDLE and every session's EXISTS/EXPUNGE/FETCH updates listen to it.
    const bus = new LocalChangeBus();
    // Message outcomes for the console's live trace: SMTP acceptance/refusal and the queue worker publish here.
    const trace = new TraceBus({ onListenerError: (err) => logger.warn({ err }, 'live trace listener failed') });
    const mail = createMailServices({ store, bus });
    // Notices to local senders go through local delivery, to remote ones through the queue itself.
    outbound = startOutboundQueue({
      store, config: queueConfigFrom(config), runWorker: config.queue.worker.enabled,
      addresses: directory.addresses, delivery: mail.delivery, registry: metrics.registry, trace, logger,
    });
    const queue = outbound.service;
    // One DNS cache for DNSBL, SPF/DKIM/DMARC, the reverse name in Received and the console's DNS status.
    const resolver = createDnsResolver(config);
    let tlsMaterial: TlsMaterial | null = null;
    if (config.listeners.http.enabled) {
      const publicFolders = createPublicFolderService({ store, mailboxes: mail.mailboxes, bus, directory });
      app = await createHttpServer({
        config, store, directory, logger, metrics, queue, publicFolders, trace, bus, dns: resolver, tls: () => tlsMaterial, startedAt,
      });
      http = await listen(app, config.listeners.http.host, config.listeners.http.port);
    }
    const tls = await loadTlsMaterial(config, logger);
    tlsMaterial = tls;
    pop3 = await startPop3({
      config, auth: directory.auth, mailboxes: mail.mailboxes, messages: mail.messages, locks: store.locks, logger,
      tls: { options: tlsServerOptions(tls, config), context: secureContext(tls, config) },
    }).catch((err: unknown) => {
      throw err instanceof Error && err.name === 'Pop3ListenError' ? new ListenError(err.message, { cause: err }) : err;
    });
    imap = await startImapListeners({
      config, tls, logger,
      services: { auth: directory.auth, accounts: directory.accounts, groups: directory.groups, mailboxes: mail.mailboxes, messages: mail.messages, bus },
    }).catch((err: unknown) => {
      throw err instanceof Error && /^cannot listen for/.test(err.message) ? new ListenError(err.message, { cause: err }) : err;
    });
    const greylist = createGreylist(config.filter.greylist, store.greylist);
    const rateLimiter = createRateLimiter(config.filter.rateLimit, store.rateCounters);
    metrics.trackConnections('imap', () => imap?.connections ?? 0);
    metrics.trackConnections('pop3', () => pop3?.connections ?? 0);
    smtp = await startSmtp({
      config, logger, directory, metrics, tls, dns: resolver, trace,
      mail,
      queue,
      filter: {
        ipLists: createIpLists(config.filter.ipAllow, config.filter.ipDeny),
        dnsbl: createDnsbl(config.filter.dnsbl, resolver),
        greylist,
        rateLimiter,
        inbound: createInboundAuthenticator(config, logger, mailauthResolver(resolver)),
        dkim: createDkimSigner(store, logger),
      },
    }).catch((err: unknown) => {
      throw err instanceof Error && /^cannot listen for/.test(err.message) ? new ListenError(err.message, { cause: err }) : err;
    });
    housekeeping = startHousekeeping({
      config, store, directory, logger,
      tasks: [
        { name: 'greylist', run: () => greylist.prune() }, { name: 'rateCounters', run: () => rateLimiter.prune() },
        expungeLogPruneTask({ config, messages: store.messages }),
      ],
    });
    return { http, imap: imap.imap, imaps: imap.imaps, pop3: pop3.pop3, pop3s: pop3.pop3s, smtp: smtp.addresses, firstStart, queue, close };
  } catch (err) {
    await close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'cleanup after a failed start failed'));
    throw err;
  }
}
