// The three SMTP listeners on smtp-server: inbound MX (RFC 5321), submission
// with STARTTLS (RFC 6409, RFC 3207) and submission over implicit TLS
// (RFC 8314). smtp-server owns the wire (command parsing, PIPELINING, DATA
// dot-unstuffing, STARTTLS, SASL framing); every policy decision goes through
// the hooks in hooks/ behind the gate. main.ts starts these with the other
// listeners.
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { StoaConfig } from '../../config/types.ts';
import type { Directory } from '../../directory/api.ts';
import type { Logger } from '../../log/logger.ts';
import { createDnsResolver, smtpServerResolver, type DnsLookups } from '../../mail-auth/dns-resolver.ts';
import type { DeliveryService, MailboxService, MessageService } from '../../mail/api.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import { tlsServerOptions, type TlsMaterial } from '../../tls/tls-material.ts';
import { countAuthAttempt, type Metrics } from '../../metrics/metrics.ts';
import { ConnectionCounter, HarvestGuard } from './abuse-guards.ts';
import { DuplicateGuard } from './duplicate-guard.ts';
import { runHook } from './gate.ts';
import type { TracePublisher } from '../../events/trace-bus.ts';
import { onAuth } from './hooks/auth.ts';
import { onClose, onConnect } from './hooks/connect.ts';
import { onData } from './hooks/data.ts';
import { onMailFrom } from './hooks/mail-from.ts';
import { onRcptTo } from './hooks/rcpt-to.ts';
import { sweepSpool } from './message-spool.ts';
import type { SmtpServices } from './smtp-context.ts';
import { createSmtpFilter, type FilterComponents } from './smtp-filter.ts';
import { registerSmtpMetrics, type ListenerKind } from './smtp-metrics.ts';
import { installEnhancedStatusPassThrough } from './smtp-reply.ts';

export interface SmtpDeps {
  config: StoaConfig;
  logger: Logger;
  directory: Directory;
  mail: { delivery: DeliveryService; mailboxes: MailboxService; messages: MessageService };
  queue: QueueService;
  filter: FilterComponents;
  tls: TlsMaterial;
  /** The HTTP server's metrics: SMTP counters join its registry. */
  metrics: Metrics;
  /** Cached, deadline-bounded DNS for the reverse name of MX clients; one from config.dns when absent. */
  dns?: Pick<DnsLookups, 'reverse'>;
  /** Message trace (events/trace-bus.ts): acceptances and refusals are published here. */
  trace?: TracePublisher;
}

export interface SmtpAddress { host: string; port: number }

export interface SmtpFrontEnd {
  /** Actual addresses (a configured port 0 becomes a free one); null when a listener is disabled. */
  addresses: Record<ListenerKind, SmtpAddress | null>;
  close(): Promise<void>;
}

/** How long close() lets sessions in DATA finish before cutting them (serve allows 10 s in all). */
const CLOSE_TIMEOUT_MS = 5000;

function serverFor(services: SmtpServices, kind: ListenerKind, tls: TlsMaterial, dns: Pick<DnsLookups, 'reverse'>): SMTPServer {
  const { config } = services;
  const submission = kind !== 'smtp';
  const options: SMTPServerOptions = {
    ...tlsServerOptions(tls, config),
    name: config.hostname,
    banner: 'Stoa',
    secure: kind === 'smtps',
    size: config.smtp.maxMessageBytes,
    maxRecipients: config.smtp.maxRecipients,
    maxClients: config.smtp.maxConnections,
    socketTimeout: config.smtp.socketTimeoutMs,
    closeTimeout: CLOSE_TIMEOUT_MS,
    authMethods: ['PLAIN', 'LOGIN'],
    // MX takes no AUTH: users submit on 587/465 (RFC 6409 §3.1, RFC 8314 §3.3).
    disabledCommands: submission ? [] : ['AUTH'],
    authOptional: !submission,
    allowInsecureAuth: kind === 'submission' && config.listeners.submission.allowPlaintextAuth,
    authRequiredMessage: '5.7.0 Authentication required',
    hideENHANCEDSTATUSCODES: false,
    hideDSN: false,
    // REQUIRETLS (RFC 8689) would bind the queue to TLS-only relaying, which it does not promise.
    hideREQUIRETLS: true,
    // Reverse DNS only names MX clients in Received; submission clients are named by their login.
    disableReverseLookup: submission,
    // Not the process-wide resolver: ours is cached and gives up after dns.timeoutMs.
    resolver: smtpServerResolver(dns),
    logger: false,
    onConnect(session, callback) {
      onConnect(services, kind, session).then(() => callback(), (err: Error) => callback(err));
    },
    onAuth(auth, session, callback) {
      runHook(services, session, 'auth', (ctx) => onAuth(ctx, auth), (err, value) => (err ? callback(err) : callback(null, value)));
    },
    onMailFrom(address, session, callback) {
      runHook(services, session, 'mail-from', (ctx) => onMailFrom(ctx, address), (err) => callback(err), { sender: address.address });
    },
    onRcptTo(address, session, callback) {
      runHook(services, session, 'rcpt-to', (ctx) => onRcptTo(ctx, address), (err) => callback(err), { recipients: [address.address] });
    },
    onData(stream, session, callback) {
      runHook(services, session, 'data', (ctx) => onData(ctx, stream), (err, text) => (err ? callback(err) : callback(null, text)));
    },
    onClose(session) {
      onClose(services, session);
    },
  };
  const server = new SMTPServer(options);
  // Socket-level errors (resets, TLS handshakes that fail) are the client's problem, not a crash.
  server.on('error', (err: Error) => services.logger.debug({ listener: kind, err: err.message }, 'smtp connection error'));
  return server;
}

function listen(server: SMTPServer, kind: ListenerKind, host: string, port: number): Promise<SmtpAddress> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the port is taken by another program'
        : err.code === 'EACCES' ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE' : err.message;
      reject(new Error(`cannot listen for ${kind} on ${host}:${port}: ${why}; change listeners.${kind}.host/port`, { cause: err }));
    };
    server.server.once('error', onError);
    server.listen(port, host, () => {
      server.server.off('error', onError);
      const address = server.server.address();
      resolve({ host, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}

function closeServer(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startSmtp(deps: SmtpDeps): Promise<SmtpFrontEnd> {
  installEnhancedStatusPassThrough();
  const { config } = deps;
  const spoolDir = join(config.dataDir, 'spool');
  const swept = await sweepSpool(spoolDir);
  if (swept > 0) deps.logger.info({ swept, spoolDir }, 'removed spool files of an interrupted run');
  const services: SmtpServices = {
    config,
    logger: deps.logger.child({ component: 'smtp' }),
    directory: deps.directory,
    mail: deps.mail,
    queue: deps.queue,
    filter: createSmtpFilter(deps.filter),
    metrics: registerSmtpMetrics(deps.metrics.registry),
    connections: new ConnectionCounter(config.smtp.maxConnectionsPerIp),
    harvest: new HarvestGuard(config.smtp.harvest),
    duplicates: new DuplicateGuard(config.smtp.duplicateWindowMs, deps.mail),
    spoolDir,
    countAuth: (result) => countAuthAttempt(deps.metrics, 'smtp', result),
    trace: deps.trace,
  };

  const dns = deps.dns ?? createDnsResolver(config);
  const started: SMTPServer[] = [];
  const addresses: SmtpFrontEnd['addresses'] = { smtp: null, submission: null, smtps: null };
  const close = async (): Promise<void> => {
    await Promise.all(started.map(closeServer));
  };
  try {
    for (const kind of ['smtp', 'submission', 'smtps'] as const) {
      const listener = config.listeners[kind];
      if (!listener.enabled) continue;
      const server = serverFor(services, kind, deps.tls, dns);
      addresses[kind] = await listen(server, kind, listener.host, listener.port);
      started.push(server);
    }
  } catch (err) {
    await close();
    throw err;
  }
  services.logger.info({ addresses }, 'smtp listening');
  return { addresses, close };
}
