// The POP3 listeners: listeners.pop3 (STLS, RFC 2595) and listeners.pop3s
// (implicit TLS, RFC 8314). main.ts starts them with the services they need
// and the shared TLS material; close() stops accepting, then ends sessions
// without applying their deletions.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContext, type TlsOptions } from 'node:tls';
import type { StoaConfig } from '../../config/types.ts';
import type { AuthService } from '../../directory/api.ts';
import type { Logger } from '../../log/logger.ts';
import type { MailboxService, MessageService } from '../../mail/api.ts';
import type { LockStore } from '../../store/port.ts';
import type { Pop3ListenerInfo, Pop3Services } from './context.ts';
import { servePop3Connection } from './session/connection.ts';
import { SizeCache } from './session/size-cache.ts';
import { statusLine } from './wire/serialize.ts';

export interface Pop3Deps {
  config: StoaConfig;
  auth: AuthService;
  mailboxes: MailboxService;
  messages: MessageService;
  locks: LockStore;
  logger: Logger;
  /** Server options for pop3s and the context for STLS; null leaves TLS out (pop3s off, no STLS). */
  tls: { options: TlsOptions; context: SecureContext } | null;
}

export interface Pop3Listeners {
  /** Actual addresses (a configured port may be 0); null for a listener that is off. */
  pop3: { host: string; port: number } | null;
  pop3s: { host: string; port: number } | null;
  /** Open connections (for metrics and the console's dashboard). */
  readonly connections: number;
  close(): Promise<void>;
}

/** A listen failure, with the config key to change in the message. */
export class Pop3ListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'Pop3ListenError';
  }
}

function listen(server: Server, host: string, port: number, key: string): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is taken by another program'
        : e.code === 'EACCES' ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE' : e.message;
      reject(new Pop3ListenError(`cannot listen for POP3 on ${host}:${port}: ${why}; change ${key}.host/port`, { cause: e }));
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ host, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}

export async function startPop3(deps: Pop3Deps): Promise<Pop3Listeners> {
  const { config, logger } = deps;
  const services: Pop3Services = {
    auth: deps.auth, mailboxes: deps.mailboxes, messages: deps.messages, locks: deps.locks,
    sizes: new SizeCache((blobId) => deps.messages.open(blobId)),
  };
  const settings = { hostname: config.hostname, keepDeleted: config.pop3.keepDeleted };
  const idleTimeoutMs = config.pop3.idleTimeoutSeconds * 1000;
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
      const server = createServer((socket) => {
        track(socket);
        servePop3Connection(socket, false, { services, listener, settings, logger, idleTimeoutMs, secureContext: deps.tls?.context ?? null });
      });
      servers.push(server);
      pop3 = await listen(server, plain.host, plain.port, 'listeners.pop3');
    }
    const implicit = config.listeners.pop3s;
    if (implicit.enabled && deps.tls) {
      const listener: Pop3ListenerInfo = { name: 'pop3s', stls: false, allowPlaintextAuth: false };
      const server = createTlsServer(deps.tls.options, (socket) => {
        track(socket);
        servePop3Connection(socket, true, { services, listener, settings, logger, idleTimeoutMs, secureContext: null });
      });
      server.on('tlsClientError', (e) => logger.debug({ err: e }, 'pop3s handshake failed'));
      servers.push(server);
      pop3s = await listen(server, implicit.host, implicit.port, 'listeners.pop3s');
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { pop3, pop3s, get connections() { return sockets.size; }, close };
}
