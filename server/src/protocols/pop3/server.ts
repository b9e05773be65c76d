// The POP3 listeners: listeners.pop3 (STLS, RFC 2595) and listeners.pop3s
// (implicit TLS, RFC 8314). main.ts starts them with the services they need
// and the shared TLS material; close() stops accepting, then ends sessions
// without applying their deletions.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContext, type TlsOptions } from 'node:tls';
import type { StoaConfig } from '../../config/types.ts';
import type { AuthService } from '../../directory/api.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { Logger } from '../../log/logger.ts';
import type { MailboxService, MessageService } from '../../mail/api.ts';
import type { MaildropLocks } from '../../mail/maildrop-lock.ts';
import type { Pop3ListenerInfo, Pop3Services } from './context.ts';
import { servePop3Connection } from './session/connection.ts';
import { listenOn } from '../listen.ts';
import { serveCleartext, serveImplicitTls } from '../limited-server.ts';
import type { ConnectionGate, Refusal } from '../../operations/connection-gate.ts';
import { SizeCache } from './session/size-cache.ts';
import { statusLine } from './wire/serialize.ts';

export interface Pop3Deps {
  config: StoaConfig;
  auth: AuthService;
  mailboxes: MailboxService;
  messages: MessageService;
  maildrops: MaildropLocks;
  bus: ChangeBus;
  logger: Logger;
  /** Clock in ms since the epoch (tests move it). */
  now?: () => number;
  /** Server options for pop3s and the context for STLS; null leaves TLS out (pop3s off, no STLS). */
  tls: { options: TlsOptions; context: SecureContext } | null;
  /** The process's connection caps (services.connections). */
  gate: ConnectionGate;
}

/** RFC 3206 §4 SYS/TEMP: the client should come back later. */
export function pop3Refusal(why: Refusal): string {
  const text = why.reason === 'ip' || why.reason === 'network' ? 'Too many connections from your address' : 'Server busy';
  return statusLine(false, `${text}; try again later`, 'SYS/TEMP').toString('latin1');
}

export interface Pop3Listeners {
  /** Actual addresses (a configured port may be 0); null for a listener that is off. */
  pop3: { host: string; port: number } | null;
  pop3s: { host: string; port: number } | null;
  /** Open connections (for metrics and the console's dashboard). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startPop3(deps: Pop3Deps): Promise<Pop3Listeners> {
  const { config, logger } = deps;
  const services: Pop3Services = {
    auth: deps.auth, mailboxes: deps.mailboxes, messages: deps.messages, maildrops: deps.maildrops, bus: deps.bus,
    sizes: new SizeCache(),
  };
  const settings = { hostname: config.hostname, keepDeleted: config.pop3.keepDeleted, markSeen: config.pop3.markSeen, now: deps.now ?? Date.now };
  const idleTimeoutMs = config.pop3.idleTimeoutSeconds * 1000;
  const preAuthTimeoutMs = config.pop3.preAuthTimeoutSeconds * 1000;
  const pool = deps.gate.pool('pop3', config.pop3);
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const close = async (): Promise<void> => {
    const stopped = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const socket of sockets) {
      // RFC 3206 SYS/TEMP: the client should come back later; its deletions were not applied.
      if (!socket.destroyed) socket.end(statusLine(false, 'Server shutting down', 'SYS/TEMP'));
      socket.destroySoon();
    }
    await Promise.all(stopped);
  };

  let pop3: Pop3Listeners['pop3'] = null;
  let pop3s: Pop3Listeners['pop3s'] = null;
  try {
    const plain = config.listeners.pop3;
    if (plain.enabled) {
      const listener: Pop3ListenerInfo = { name: 'pop3', stls: deps.tls !== null, allowPlaintextAuth: plain.allowPlaintextAuth };
      const server = createServer();
      serveCleartext(server, pool, pop3Refusal, (socket) => {
        track(socket);
        servePop3Connection(socket, false, { services, listener, settings, logger, idleTimeoutMs, preAuthTimeoutMs, secureContext: deps.tls?.context ?? null });
      });
      servers.push(server);
      pop3 = await listenOn(server, 'pop3', plain.host, plain.port);
    }
    const implicit = config.listeners.pop3s;
    if (implicit.enabled && deps.tls) {
      const listener: Pop3ListenerInfo = { name: 'pop3s', stls: false, allowPlaintextAuth: false };
      const server = createTlsServer(deps.tls.options);
      serveImplicitTls(server, pool, (socket) => {
        track(socket);
        servePop3Connection(socket, true, { services, listener, settings, logger, idleTimeoutMs, preAuthTimeoutMs, secureContext: null });
      });
      server.on('tlsClientError', (e) => logger.debug({ err: e }, 'pop3s handshake failed'));
      servers.push(server);
      pop3s = await listenOn(server, 'pop3s', implicit.host, implicit.port);
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { pop3, pop3s, get connections() { return sockets.size; }, close };
}
