// The ManageSieve listener (RFC 5804): listeners.managesieve, port 4190 by
// default, STARTTLS with the shared TLS material (implicit TLS is not part
// of the protocol). Connections are limited in total and per client IP
// (operations/connection-gate.ts); the extra ones get BYE (TRYLATER).
// close() stops accepting and ends sessions.
import { createServer, type Server, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { StoaConfig } from '../../config/types.ts';
import type { Logger } from '../../log/logger.ts';
import type { ManageSieveServices } from './context.ts';
import { serveManageSieveConnection } from './session/connection.ts';
import { listenOn } from '../listen.ts';
import { serveCleartext } from '../limited-server.ts';
import type { ConnectionGate, Refusal } from '../../operations/connection-gate.ts';
import { response } from './wire/serialize.ts';

export interface ManageSieveDeps {
  config: StoaConfig;
  services: ManageSieveServices;
  logger: Logger;
  /** For STARTTLS; null leaves it out (and then no login is possible unless allowPlaintextAuth). */
  secureContext: SecureContext | null;
  /** The process's connection caps (services.connections). */
  gate: ConnectionGate;
}

export interface ManageSieveListener {
  /** Actual address (a configured port may be 0), or null when the listener is off. */
  address: { host: string; port: number } | null;
  readonly connections: number;
  close(): Promise<void>;
}

/** RFC 5804 §1.3 TRYLATER: BYE at the greeting for a client over a connection cap. */
export function manageSieveRefusal(why: Refusal): Buffer {
  const text = why.reason === 'ip' || why.reason === 'network' ? 'Too many connections; try again later' : 'Server busy; try again later';
  return response('BYE', text, 'TRYLATER');
}

export async function startManageSieve(deps: ManageSieveDeps): Promise<ManageSieveListener> {
  const { config, logger } = deps;
  const listener = config.listeners.managesieve;
  const limits = config.managesieve;
  const log = logger.child({ component: 'managesieve' });
  const open = new Map<Socket, { shutdown(): void }>();
  const state: ManageSieveListener = { address: null, get connections() { return open.size; }, close: async () => {} };
  if (!listener.enabled) return state;
  const pool = deps.gate.pool('managesieve', limits);

  const server: Server = createServer();
  serveCleartext(server, pool, manageSieveRefusal, (socket) => {
    const conn = serveManageSieveConnection(socket, {
      services: deps.services, logger: log, secureContext: deps.secureContext, sessions: pool,
      settings: { starttls: deps.secureContext !== null, allowPlaintextAuth: listener.allowPlaintextAuth },
      preAuthTimeoutMs: limits.preAuthTimeoutSeconds * 1000, idleTimeoutMs: limits.idleTimeoutSeconds * 1000,
      // A script may be up to sieve.maxScriptBytes; larger literals are skipped and refused with QUOTA/MAXSIZE.
      limits: { maxLine: 8192, maxLiteral: config.sieve.maxScriptBytes + 1024, maxLineLiterals: config.sieve.maxScriptBytes + 4096 },
    });
    open.set(socket, conn);
    socket.once('close', () => open.delete(socket));
  });

  state.address = await listenOn(server, 'managesieve', listener.host, listener.port);
  state.close = async () => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of open.values()) conn.shutdown();
    await stopped;
  };
  log.info({ address: state.address }, 'managesieve listening');
  return state;
}
