// Binding a listener, shared by every front end: one error type for every
// protocol (ListenError), carrying which listener failed, and a message an
// operator can act on (the reason in words and the configuration key to
// change). `stoa serve` prints it and exits; nothing matches on message text.
import type { Server } from 'node:net';

/** A listen failure an operator can fix. */
export class ListenError extends Error {
  /** The configuration name of the listener ("imap", "smtp", "http" …). */
  readonly listener: string;
  readonly host: string;
  readonly port: number;

  constructor(listener: string, host: string, port: number, cause: NodeJS.ErrnoException, hint = '') {
    const why = cause.code === 'EADDRINUSE' ? 'the port is taken by another program (another Stoa?)'
      : cause.code === 'EACCES' ? 'ports below 1024 need root or CAP_NET_BIND_SERVICE'
        : cause.code === 'EADDRNOTAVAIL' ? 'no interface has that address' : cause.message;
    super(`cannot listen for ${listener.toUpperCase()} on ${host}:${port}: ${why}; change listeners.${listener}.host/port${hint}`, { cause });
    this.name = 'ListenError';
    this.listener = listener;
    this.host = host;
    this.port = port;
  }
}

/** Listens on host:port; the actual address (a port 0 becomes a free one), or a ListenError. */
export function listenOn(server: Server, listener: string, host: string, port: number, backlog = 511): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(new ListenError(listener, host, port, err));
    server.once('error', onError);
    server.listen({ host, port, backlog }, () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve({ host, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}
