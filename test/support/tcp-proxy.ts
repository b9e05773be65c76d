// A plain TCP relay in front of a real server, for tests that must see the
// connections a client opens (how many, whether they are reused) or cut them
// from the server's side, as a directory's idle timeout or a restart does.
// Bytes pass through untouched, TLS included.
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Closes every relayed connection on both sides, as a server restart would. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(host: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect({ host, port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => { client.destroy(); upstream.destroy(); pairs.delete(pair); };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const dropAll = () => {
    for (const [client, upstream] of pairs) { client.destroy(); upstream.destroy(); }
    pairs.clear();
  };
  return {
    port: (server.address() as { port: number }).port,
    get accepted() { return accepted; },
    dropAll,
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
