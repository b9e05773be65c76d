// Real network peers for the queue tests, all on loopback: a receiving MTA
// (smtp-server from npm), an MX that accepts and never answers, one that
// answers garbage, and dnsmasq serving MX/A records that point at them.
import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { startDnsmasq } from '../support/dnsmasq.ts';

export interface Received { from: string; to: string[]; data: Buffer; secure: boolean; user: string | null; mailParams: Record<string, unknown> }

/** Resolves with a port free on every one of `hosts` (TCP), trying a few. */
export async function freePortOn(hosts: string[]): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const probe = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, hosts[0], () => resolve((probe.address() as { port: number }).port));
    });
    await new Promise<void>((r) => probe.close(() => r()));
    let ok = true;
    for (const h of hosts) {
      const s = createServer();
      const bound = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.listen(port, h, () => resolve(true));
      });
      if (bound) await new Promise<void>((r) => s.close(() => r()));
      else ok = false;
    }
    if (ok) return port;
  }
  throw new Error('no free port on all test addresses');
}

export interface Mta { received: Received[]; close(): Promise<void> }

/**
 * A receiving MTA. Local parts decide the RCPT answer: "temp…" → 451 4.2.1,
 * "perm…" → 550 5.1.1, anything else → 250.
 */
export async function startMta(host: string, port: number, extra: Partial<SMTPServerOptions> = {}): Promise<Mta> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: extra.onAuth ? [] : ['AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const local = address.address.split('@')[0];
      if (local.startsWith('temp')) return cb(Object.assign(new Error('4.2.1 Mailbox busy, try later'), { responseCode: 451 }));
      if (local.startsWith('perm')) return cb(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          secure: session.secure,
          user: (session.user as string | undefined) ?? null,
          mailParams: session.envelope.mailFrom === false ? {} : session.envelope.mailFrom.args as Record<string, unknown>,
        });
        cb(null, '2.0.0 Ok: queued');
      });
    },
    ...extra,
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A TCP server that accepts and then either says nothing or talks nonsense. */
export async function startBadMx(host: string, port: number, mode: 'hang' | 'garbage'): Promise<{ connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (mode === 'garbage') {
      socket.write('HELLO THERE this is not SMTP\r\n\x00\xff\r\n');
      socket.on('data', () => socket.write('??? what\r\n'));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    connections: () => count,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

export interface Dns { servers: string[]; close(): void }

/** dnsmasq on a loopback port, authoritative for `.test`, with the given extra arguments. */
export async function startDns(records: string[]): Promise<Dns> {
  const dns = await startDnsmasq(['--local=/test/', ...records], { name: 'probe.ok.test', type: 'A', absent: true });
  return { servers: [dns.server], close: dns.stop };
}
