// A TCP proxy on a free loopback port that cuts every connection once the
// server has sent `dropAfterBytes`, `drops` times in all: a source that
// loses the connection in the middle of an import.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface FlakyProxy {
  port: number;
  /** Connections cut so far. */
  dropped: number;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: { host: string; port: number }, options: { dropAfterBytes: number; drops: number }): Promise<FlakyProxy> {
  const sockets = new Set<Socket>();
  const proxy: FlakyProxy = { port: 0, dropped: 0, close: async () => undefined };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    let bytes = 0;
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('data', (d: Buffer) => {
      bytes += d.length;
      if (proxy.dropped < options.drops && bytes > options.dropAfterBytes) {
        proxy.dropped++;
        cut();
        return;
      }
      client.write(d);
    });
    client.on('data', (d: Buffer) => upstream.write(d));
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', () => { upstream.destroy(); sockets.delete(client); });
    upstream.on('close', () => { client.destroy(); sockets.delete(upstream); });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = () => new Promise<void>((ok) => {
    for (const s of sockets) s.destroy();
    server.close(() => ok());
  });
  return proxy;
}
