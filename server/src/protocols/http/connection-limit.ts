// The HTTP listener's connection caps (api.maxConnections, per client
// api.maxConnectionsPerIp). HTTP has a pool of its own, outside the mail
// listeners' connections.maxTotal: however full IMAP, POP3, SMTP and
// ManageSieve are, the admin API, /healthz and /readyz keep answering
// (issue 16 item 1). A connection over a cap gets a 503 problem document with
// Retry-After before any request is read, then is closed.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { StoaConfig } from '../../config/types.ts';
import { ERRORS } from '../../errors/catalogue.ts';
import type { ConnectionGate, Refusal } from '../../operations/connection-gate.ts';
import { refuseWith } from '../limited-server.ts';
import { PROBLEM_MEDIA_TYPE } from './problem.ts';

/** The 503 a refused connection is sent (it has sent no request yet; browsers and curl read it). */
export function busyResponse(why: Refusal): string {
  const spec = ERRORS.STOA_SERVER_BUSY;
  const detail = why.reason === 'ip' ? 'too many connections from your address' : 'too many connections';
  const body = JSON.stringify({ type: 'https://stoa.dev/errors/STOA_SERVER_BUSY', title: spec.title, status: spec.status, code: 'STOA_SERVER_BUSY', detail });
  return `HTTP/1.1 503 Service Unavailable\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
    + `Retry-After: 5\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`;
}

export function limitConnections(app: FastifyInstance, gate: ConnectionGate, config: StoaConfig): void {
  const pool = gate.pool('http', { maxConnections: config.api.maxConnections, maxConnectionsPerIp: config.api.maxConnectionsPerIp }, { reserve: true });
  // Node's HTTP server set up its parser in its own 'connection' listener (added first); ending the socket here stops it.
  app.server.on('connection', (socket: Socket) => {
    const admitted = pool.admit(socket.remoteAddress ?? '');
    if (!admitted.ok) {
      refuseWith(socket, busyResponse(admitted));
      return;
    }
    socket.once('close', () => admitted.release());
  });
}
