// The server process: opens the store, wires the directory, runs the first
// start, and starts every listener. `stoa serve` (cli/commands/serve.ts)
// calls it and owns signals and the banner; tests and embedders can call it
// directly.
import type { FastifyInstance } from 'fastify';
import type { StoaConfig } from './config/types.ts';
import { bootstrapFirstStart, type BootstrapResult } from './directory/bootstrap.ts';
import { createDirectory } from './directory/directory.ts';
import type { Logger } from './log/logger.ts';
import { startHousekeeping, type Housekeeping } from './housekeeping.ts';
import { createHttpServer } from './protocols/http/server.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/port.ts';

export interface RunningServer {
  /** Actual HTTP address (the configured port may be 0), or null when the listener is disabled. */
  http: { host: string; port: number } | null;
  firstStart: BootstrapResult;
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
  const close = async (): Promise<void> => {
    try {
      await housekeeping?.stop();
      await app?.close();
    } finally {
      await store?.close();
    }
  };
  try {
    store = await openStore(config);
    const directory = createDirectory(store, config);
    const firstStart = await bootstrapFirstStart(store, directory, config);
    housekeeping = startHousekeeping({ config, store, directory, logger });
    let http: RunningServer['http'] = null;
    if (config.listeners.http.enabled) {
      app = await createHttpServer({ config, store, directory, logger });
      http = await listen(app, config.listeners.http.host, config.listeners.http.port);
    }
    return { http, firstStart, close };
  } catch (err) {
    await close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'cleanup after a failed start failed'));
    throw err;
  }
}
