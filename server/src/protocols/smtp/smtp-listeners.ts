// The three SMTP listeners on smtp-server: inbound MX (RFC 5321), submission
// with STARTTLS (RFC 6409, RFC 3207) and submission over implicit TLS
// (RFC 8314). smtp-server owns the wire (command parsing, PIPELINING, DATA
// dot-unstuffing, STARTTLS, SASL framing); every policy decision goes through
// the hooks in hooks/ behind the gate. main.ts starts these with the other
// listeners.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ListenersConfig, SmtpSettings, TlsSettings } from '../../config/types.ts';
import type { AuthService } from '../../directory/api.ts';
import type { IntakeService } from '../../intake/api.ts';
import type { Logger } from '../../log/logger.ts';
import { smtpServerResolver, type DnsLookups } from '../../mail-auth/dns-resolver.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import { tlsServerOptions, type TlsMaterial } from '../../tls/tls-material.ts';
import type { ConnectionGate } from '../../operations/connection-gate.ts';
import { HarvestGuard } from './abuse-guards.ts';
import { openConnections, tuneServer, type TunedConnection } from './connection-tuning.ts';
import { runHook } from './gate.ts';
import { listenOn } from '../listen.ts';
import type { TracePublisher } from '../../events/trace-bus.ts';
import { onAuth } from './hooks/auth.ts';
import { onClose, onConnect } from './hooks/connect.ts';
import { onData } from './hooks/data.ts';
import { onMailFrom } from './hooks/mail-from.ts';
import { onRcptTo } from './hooks/rcpt-to.ts';
import { sweepSpool } from './message-spool.ts';
import type { SmtpServices } from './smtp-context.ts';
import { registerSmtpMetrics, type ListenerKind } from './smtp-metrics.ts';
import { installEnhancedStatusPassThrough } from './smtp-reply.ts';

export interface SmtpDeps {
  smtp: SmtpSettings;
  listeners: Pick<ListenersConfig, 'smtp' | 'submission' | 'smtps'>;
  /** Our name in the greeting and EHLO reply. */
  hostname: string;
  /** Where spooled messages wait while they arrive (dataDir/spool). */
  spoolDir: string;
  tlsSettings: TlsSettings;
  logger: Logger;
  auth: AuthService;
  intake: IntakeService;
  tls: TlsMaterial;
  /** The process's metrics: SMTP counters join its registry. */
  metrics: Metrics;
  /** The process's one cached, deadline-bounded DNS, for the reverse name of MX clients. */
  dns: Pick<DnsLookups, 'reverse'>;
  /** Message trace (events/trace-bus.ts): the replies refusing a connection, command or message are published here. */
  trace?: TracePublisher;
  /** The process's connection caps (services.connections). */
  gate: ConnectionGate;
}

export interface SmtpAddress { host: string; port: number }

export interface SmtpFrontEnd {
  /** Actual addresses (a configured port 0 becomes a free one); null when a listener is disabled. */
  addresses: Record<ListenerKind, SmtpAddress | null>;
  close(): Promise<void>;
}

/** How long close() lets sessions in DATA finish before cutting them (serve allows 10 s in all). */
const CLOSE_TIMEOUT_MS = 5000;

function serverFor(services: SmtpServices, deps: SmtpDeps, kind: ListenerKind): SMTPServer {
  const { smtp } = services;
  const submission = kind !== 'smtp';
  const options: SMTPServerOptions = {
    ...tlsServerOptions(deps.tls, deps.tlsSettings),
    name: deps.hostname,
    banner: 'Stoa',
    secure: kind === 'smtps',
    size: smtp.maxMessageBytes,
    maxRecipients: smtp.maxRecipients,
    maxClients: smtp.maxConnections,
    socketTimeout: smtp.socketTimeoutMs,
    closeTimeout: CLOSE_TIMEOUT_MS,
    authMethods: ['PLAIN', 'LOGIN'],
    // MX takes no AUTH: users submit on 587/465 (RFC 6409 §3.1, RFC 8314 §3.3).
    disabledCommands: submission ? [] : ['AUTH'],
    authOptional: !submission,
    allowInsecureAuth: kind === 'submission' && deps.listeners.submission.allowPlaintextAuth,
    authRequiredMessage: '5.7.0 Authentication required',
    hideENHANCEDSTATUSCODES: false,
    hideDSN: false,
    // REQUIRETLS (RFC 8689) would bind the queue to TLS-only relaying, which it does not promise.
    hideREQUIRETLS: true,
    // smtp-server's lookup holds the banner: hooks/connect.ts looks MX clients up beside the session instead.
    disableReverseLookup: true,
    // Not the process-wide resolver, should anything in smtp-server ask: ours is cached and bounded.
    resolver: smtpServerResolver(deps.dns),
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
  tuneServer(server, {
    // RFC 4954 §4: AUTH is offered once the password can travel protected (issue 16 item 21).
    authAfterTls: kind === 'submission' && !deps.listeners.submission.allowPlaintextAuth,
    // Banner at once; the early-talker check only on MX and only when configured (issue 16 item 16).
    greetingDelayMs: kind === 'smtp' ? smtp.earlyTalkerDelayMs : 0,
    idleTimeoutMs: (connection) => idleTimeoutFor(services, connection),
  });
  // Socket-level errors (resets, TLS handshakes that fail) are the client's problem, not a crash.
  server.on('error', (err: Error) => services.logger.debug({ listener: kind, err: err.message }, 'smtp connection error'));
  return server;
}

/** A client that has not started a transaction gets smtp.busyIdleTimeoutMs while the listeners are under pressure (Postfix's stress mode). */
function idleTimeoutFor(services: SmtpServices, connection: TunedConnection): number {
  const inTransaction = Boolean(connection.session.envelope?.mailFrom);
  return services.connections.underPressure && !inTransaction ? services.smtp.busyIdleTimeoutMs : services.smtp.socketTimeoutMs;
}

/** smtp-server's own listen() wraps node's; binding goes through the one listener helper. */
function listen(server: SMTPServer, kind: ListenerKind, host: string, port: number): Promise<SmtpAddress> {
  return listenOn(server.server, kind, host, port);
}

function closeServer(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startSmtp(deps: SmtpDeps): Promise<SmtpFrontEnd> {
  installEnhancedStatusPassThrough();
  const { smtp, spoolDir } = deps;
  const swept = await sweepSpool(spoolDir);
  if (swept > 0) deps.logger.info({ swept, spoolDir }, 'removed spool files of an interrupted run');
  const services: SmtpServices = {
    smtp,
    logger: deps.logger.child({ component: 'smtp' }),
    auth: deps.auth,
    intake: deps.intake,
    metrics: registerSmtpMetrics(deps.metrics.registry),
    connections: deps.gate.pool('smtp', {
      maxConnections: smtp.maxConnections, maxConnectionsPerIp: smtp.maxConnectionsPerIp, maxConnectionsPerNetwork: smtp.maxConnectionsPerNetwork,
    }),
    harvest: new HarvestGuard(smtp.harvest),
    spoolDir,
    trace: deps.trace,
    dns: deps.dns,
  };

  const started: SMTPServer[] = [];
  // Under pressure, idle clients that have not started a transaction get the short timeout now, not at their next command.
  services.connections.onPressure(() => {
    for (const server of started) {
      for (const connection of openConnections(server)) if (!connection.session.envelope?.mailFrom) connection._armTimeout();
    }
  });
  const addresses: SmtpFrontEnd['addresses'] = { smtp: null, submission: null, smtps: null };
  const close = async (): Promise<void> => {
    await Promise.all(started.map(closeServer));
  };
  try {
    for (const kind of ['smtp', 'submission', 'smtps'] as const) {
      const listener = deps.listeners[kind];
      if (!listener.enabled) continue;
      const server = serverFor(services, deps, kind);
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
