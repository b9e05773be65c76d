// The IMAP listeners: listeners.imap (cleartext with STARTTLS, RFC 9051
// §6.2.1) and listeners.imaps (implicit TLS, RFC 8314 §3.3). main.ts starts
// them; each accepted socket becomes one ImapConnection.
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { StoaConfig } from '../../config/types.ts';
import type { Logger } from '../../log/logger.ts';
import { secureContext, tlsServerOptions, type TlsMaterial } from '../../tls/tls-material.ts';
import type { ImapListenerInfo, ImapServices, ImapSettings } from './context.ts';
import { ImapConnection } from './session/connection.ts';
import { listenOn } from '../listen.ts';
import { serveCleartext, serveImplicitTls } from '../limited-server.ts';
import type { ConnectionGate, Refusal } from '../../operations/connection-gate.ts';

/** RFC 7889 APPENDLIMIT: the largest message APPEND accepts (the SMTP limit is for mail from outside). */
export const DEFAULT_APPEND_LIMIT = 64 * 1024 * 1024;

export interface ImapListeners {
  imap: { host: string; port: number } | null;
  imaps: { host: string; port: number } | null;
  /** Open connections (for metrics and tests). */
  readonly connections: number;
  close(): Promise<void>;
}

export interface ImapServerDeps {
  config: StoaConfig;
  services: ImapServices;
  tls: TlsMaterial;
  logger: Logger;
  /** The process's connection caps (services.connections). */
  gate: ConnectionGate;
  /** Clock in ms since the epoch (tests move it). */
  now?: () => number;
}

/** RFC 9051 §7.1.5: BYE at the greeting, RFC 5530 UNAVAILABLE. */
export function imapRefusal(why: Refusal): string {
  const text = why.reason === 'ip' || why.reason === 'network' ? 'Too many connections from your address' : 'Server busy';
  return `* BYE [UNAVAILABLE] ${text}; try again later\r\n`;
}

export async function startImapListeners({ config, services, tls, logger, gate, now = Date.now }: ImapServerDeps): Promise<ImapListeners> {
  const log = logger.child({ component: 'imap' });
  const pool = gate.pool('imap', config.imap);
  const settings: ImapSettings = {
    hostname: config.hostname,
    appendLimit: DEFAULT_APPEND_LIMIT,
    spoolDir: join(config.dataDir, 'tmp', 'imap-append'),
    preAuthTimeoutMs: config.imap.preAuthTimeoutSeconds * 1000,
    now,
    sharedMailboxPrefix: config.mail.sharedMailboxes.imapPrefix,
  };
  await mkdir(settings.spoolDir, { recursive: true, mode: 0o700 });
  const connections = new Set<ImapConnection>();
  // One context for every STARTTLS upgrade: building it parses the key and chain, which costs memory per copy.
  const starttlsContext = secureContext(tls, config.tls);
  const servers: Server[] = [];

  const accept = (socket: Socket, listener: ImapListenerInfo, secure: boolean): void => {
    const connection = new ImapConnection(socket, {
      services, listener, settings, logger: log, sessions: pool,
      secureContext: listener.starttls ? starttlsContext : null,
    }, secure);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
    connection.greet().catch(() => connection.close());
  };

  const result: ImapListeners = {
    imap: null,
    imaps: null,
    get connections() { return connections.size; },
    async close() {
      for (const server of servers) server.close();
      await Promise.all([...connections].map((c) => c.shutdown()));
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
    },
  };
  try {
    const plain = config.listeners.imap;
    if (plain.enabled) {
      const info: ImapListenerInfo = { name: 'imap', starttls: true, allowPlaintextAuth: plain.allowPlaintextAuth };
      const server = createServer();
      serveCleartext(server, pool, imapRefusal, (socket) => accept(socket, info, false));
      servers.push(server);
      result.imap = await listenOn(server, 'imap', plain.host, plain.port, 4096);
    }
    const implicit = config.listeners.imaps;
    if (implicit.enabled) {
      const info: ImapListenerInfo = { name: 'imaps', starttls: false, allowPlaintextAuth: true };
      const server = createTlsServer(tlsServerOptions(tls, config.tls));
      serveImplicitTls(server, pool, (socket: TLSSocket) => accept(socket, info, true));
      // A failed handshake is the client's problem; keep serving the others.
      server.on('tlsClientError', (err) => log.debug({ err }, 'imaps handshake failed'));
      servers.push(server);
      result.imaps = await listenOn(server, 'imaps', implicit.host, implicit.port, 4096);
    }
  } catch (err) {
    await result.close();
    throw err;
  }
  log.info({ imap: result.imap, imaps: result.imaps }, 'imap listening');
  return result;
}
