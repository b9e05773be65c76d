// Doctor: for each enabled listener (HTTP and every mail protocol), is Stoa
// answering on its port, is the port free for Stoa to take, or does
// something else hold it?
import { connect, createServer, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
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

/** Mail listeners greet first; Stoa's greetings name it ("220 host ESMTP Stoa", "* OK … Stoa IMAP4rev2 ready", "+OK … Stoa POP3 server ready"). */
function greetsAsStoa(host: string, port: number, implicitTls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = implicitTls
      ? tlsConnect({ host, port, rejectUnauthorized: false, servername: isIP(host) ? undefined : host, timeout: PROBE_TIMEOUT_MS })
      : connect({ host, port, timeout: PROBE_TIMEOUT_MS });
    let greeting = '';
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok); };
    socket.on('data', (chunk: Buffer) => {
      greeting += chunk.toString('latin1');
      if (greeting.includes('\n')) done(/\bStoa\b/.test(greeting));
    });
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.once('end', () => done(false));
  });
}

type ListenerName = keyof StoaConfig['listeners'];

/** Implicit-TLS listeners speak TLS before their greeting (RFC 8314). */
const IMPLICIT_TLS: ReadonlySet<ListenerName> = new Set(['smtps', 'imaps', 'pop3s']);
const ENV: Record<ListenerName, string> = {
  http: 'STOA_HTTP_PORT', smtp: 'STOA_SMTP_PORT', submission: 'STOA_SUBMISSION_PORT', smtps: 'STOA_SMTPS_PORT',
  imap: 'STOA_IMAP_PORT', imaps: 'STOA_IMAPS_PORT', pop3: 'STOA_POP3_PORT', pop3s: 'STOA_POP3S_PORT', managesieve: 'STOA_MANAGESIEVE_PORT',
};

async function checkListener(config: StoaConfig, name: ListenerName): Promise<Finding> {
  const section = `listener ${name}`;
  const { enabled, host, port } = config.listeners[name];
  const key = `listeners.${name}.port`;
  if (!enabled) return { section, level: 'ok', message: 'disabled in the configuration; not checked' };
  if (port === 0) return { section, level: 'warn', message: 'port 0: the system picks a free port at each start, so clients cannot know it', fix: `set ${key}` };
  const target = probeHost(host);
  if (await canConnect(target, port)) {
    const isStoa = name === 'http' ? await isStoaHttp(target, port) : await greetsAsStoa(target, port, IMPLICIT_TLS.has(name));
    if (isStoa) return { section, level: 'ok', message: `Stoa answers on ${host}:${port}` };
    return { section, level: 'error', message: `something other than Stoa answers on ${host}:${port}`, fix: `find it with \`ss -ltnp 'sport = :${port}'\`, stop it, or move Stoa with ${key} / ${ENV[name]}` };
  }
  const err = await tryBind(host, port);
  if (!err) return { section, level: 'ok', message: `${host}:${port} is free (Stoa is not running; it can bind there)` };
  if (err.code === 'EACCES') {
    return { section, level: 'error', message: `this user may not bind ${host}:${port} (ports below 1024 need privileges)`, fix: 'grant CAP_NET_BIND_SERVICE (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE), or use ports of 1024 and above and redirect the standard ports to them' };
  }
  if (err.code === 'EADDRINUSE') {
    return { section, level: 'error', message: `${host}:${port} is taken by another program that does not accept connections from here`, fix: `find it with \`ss -ltnp 'sport = :${port}'\` or move Stoa with ${key}` };
  }
  return { section, level: 'error', message: `cannot bind ${host}:${port}: ${err.code ?? err.message}`, fix: `check listeners.${name}.host: it must be an address of this machine, 0.0.0.0 or ::` };
}

/** Every listener in the configuration: HTTP, SMTP (MX, submission, implicit TLS), IMAP, IMAPS, POP3, POP3S. */
export async function checkListeners(config: StoaConfig): Promise<Finding[]> {
  const names = Object.keys(config.listeners) as ListenerName[];
  return Promise.all(names.map((name) => checkListener(config, name)));
}
