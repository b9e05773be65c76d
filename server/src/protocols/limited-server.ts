// Serving a listener within its connection pool (operations/connection-gate.ts),
// shared by the IMAP, POP3 and ManageSieve listeners: a socket over a cap
// gets the protocol's refusal line (cleartext listeners) or is dropped
// before the TLS handshake (implicit-TLS listeners: no CPU spent on a
// handshake for a client that will not be served), and never reaches the
// session code. An admitted socket is counted until it closes.
import type { Server, Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { ConnectionPool, Refusal } from '../operations/connection-gate.ts';

/** A refused client that does not close its side is cut after this. */
const REFUSAL_LINGER_MS = 5000;

/** Writes `line` to a refused cleartext socket and closes it. */
export function refuseWith(socket: Socket, line: string | Buffer): void {
  socket.on('error', () => undefined);
  socket.end(line);
  setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
}

/** A cleartext listener: `accept` runs only for admitted sockets; `refusal` is what a refused one is told. */
export function serveCleartext(server: Server, pool: ConnectionPool, refusal: (why: Refusal) => string | Buffer, accept: (socket: Socket) => void): void {
  server.on('connection', (socket: Socket) => {
    const admitted = pool.admit(socket.remoteAddress ?? '');
    if (!admitted.ok) {
      refuseWith(socket, refusal(admitted));
      return;
    }
    socket.once('close', () => admitted.release());
    accept(socket);
  });
}

/** An implicit-TLS listener: the raw socket is counted (or dropped) before the handshake; `accept` gets the TLS socket. */
export function serveImplicitTls(server: TlsServer, pool: ConnectionPool, accept: (socket: TLSSocket) => void): void {
  // tls.Server's own 'connection' listener (the handshake) was added first; destroying the raw socket aborts it.
  server.on('connection', (raw: Socket) => {
    const admitted = pool.admit(raw.remoteAddress ?? '');
    if (!admitted.ok) {
      raw.on('error', () => undefined);
      raw.destroy();
      return;
    }
    raw.once('close', () => admitted.release());
  });
  server.on('secureConnection', accept);
}
