// Doctor: for each enabled listener, is Stoa answering on its port, is the
// port free for Stoa to take, or does something else hold it?
import { connect, createServer } from 'node:net';
import type { StoaConfig } from '../../config/types.ts';
import type { Finding } from './finding.ts';

const PROBE_TIMEOUT_MS = 2000;

/** Where to connect to reach a listener bound to `host`: a wildcard bind answers on loopback. */
function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: PROBE_TIMEOUT_MS });
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function tryBind(host: string, port: number): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** Stoa's HTTP listener answers /healthz with {"status":"ok"}; anything else on the port is someone else. */
async function isStoaHttp(host: string, port: number): Promise<boolean> {
  try {
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
    const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = await res.json() as { status?: unknown };
    return res.ok && body.status === 'ok';
  } catch {
    return false;
  }
}

export async function checkHttpListener(config: StoaConfig): Promise<Finding[]> {
  const section = 'listener http';
  const { enabled, host, port } = config.listeners.http;
  if (!enabled) return [{ section, level: 'ok', message: 'disabled in the configuration; not checked' }];
  if (port === 0) return [{ section, level: 'warn', message: 'port 0: the system picks a free port at each start, so clients cannot know it', fix: 'set listeners.http.port (8080 by default, 80/443 behind a proxy)' }];
  const target = probeHost(host);
  if (await canConnect(target, port)) {
    if (await isStoaHttp(target, port)) return [{ section, level: 'ok', message: `Stoa answers on ${host}:${port}` }];
    return [{ section, level: 'error', message: `something other than Stoa answers on ${host}:${port}`, fix: `find it with \`ss -ltnp 'sport = :${port}'\`, stop it, or move Stoa with listeners.http.port / STOA_HTTP_PORT` }];
  }
  const err = await tryBind(host, port);
  if (!err) return [{ section, level: 'ok', message: `${host}:${port} is free (Stoa is not running; it can bind there)` }];
  if (err.code === 'EACCES') {
    return [{ section, level: 'error', message: `this user may not bind ${host}:${port} (ports below 1024 need privileges)`, fix: 'grant CAP_NET_BIND_SERVICE (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE) or use a port of 1024 and above behind a proxy' }];
  }
  if (err.code === 'EADDRINUSE') {
    return [{ section, level: 'error', message: `${host}:${port} is taken by another program that does not accept connections from here`, fix: `find it with \`ss -ltnp 'sport = :${port}'\` or move Stoa with listeners.http.port` }];
  }
  return [{ section, level: 'error', message: `cannot bind ${host}:${port}: ${err.code ?? err.message}`, fix: 'check listeners.http.host: it must be an address of this machine, 0.0.0.0 or ::' }];
}
