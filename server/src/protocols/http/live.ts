// The console's live channel: GET /api/v1/live upgraded to a WebSocket
// (RFC 6455), authenticated by the session cookie (or a bearer token) through
// the same gate as every admin route. One hub per server reads the metrics
// registry once per interval and forwards trace events as they happen; each
// client gets them as JSON text frames.
//
// Bounded: at most console.liveMaxClients subscribers (more are closed with
// 4429); a client that does not read (bufferedAmount above
// console.liveMaxBufferedBytes) gets no frames until it drains, is told how
// many it missed, and is closed (4408) if it stays behind for 30 s. Sessions
// are re-checked every 30 s so an expired or revoked one is closed (4401).
import type { FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import type { Actor, Directory } from '../../directory/api.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { TraceBus, TraceEvent } from '../../events/trace-bus.ts';
import { readLiveCounters } from '../../metrics/live-counters.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import { LiveCloseCode } from '../../../../shared/src/schemas/live.ts';
import { SESSION_COOKIE, authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

export interface LiveDeps {
  config: StoaConfig;
  directory: Directory;
  metrics: Metrics;
  version: string;
  trace?: TraceBus;
  bus?: ChangeBus;
  queue?: QueueService;
  /** Clock for the stuck-client timer (tests); real time by default. */
  now?: () => number;
}

const RECHECK_MS = 30_000;
const STUCK_MS = 30_000;

interface Client {
  socket: WebSocket;
  /** Domain names a domain admin manages; null = every domain (server admin). */
  domains: Set<string> | null;
  dropped: number;
  behindSince: number | null;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The part of a trace event a domain admin may see: only their domains' addresses, or nothing. */
export function scopeTrace(event: TraceEvent, domains: Set<string> | null): TraceEvent | null {
  if (!domains) return event;
  const recipients = event.recipients.filter((r) => domains.has(domainOf(r)));
  const senderOurs = event.sender !== '' && domains.has(domainOf(event.sender));
  if (!senderOurs && recipients.length === 0) return null;
  return { ...event, recipients: senderOurs ? event.recipients : recipients, ip: senderOurs ? event.ip : null };
}

/**
 * @fastify/websocket, registered on the root before the auth gate: its
 * onRequest hook must mark upgrade requests first, so that a refused one
 * (401/403 from the gate) gets its socket closed after the answer.
 */
export async function registerWebSocket(app: FastifyInstance): Promise<void> {
  await app.register(websocket, { options: { maxPayload: 4096 } });
}

export async function liveRoutes(app: FastifyInstance, deps: LiveDeps): Promise<void> {
  const { config, metrics } = deps;
  const now = deps.now ?? Date.now;
  const clients = new Set<Client>();
  let mailboxDeliveries = 0;
  let timer: NodeJS.Timeout | null = null;
  let offTrace: (() => void) | null = null;
  let offBus: (() => void) | null = null;

  function send(client: Client, frame: string, droppable: boolean): void {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > config.console.liveMaxBufferedBytes) {
      client.behindSince ??= now();
      if (now() - client.behindSince > STUCK_MS) socket.close(LiveCloseCode.tooSlow, 'reading too slowly');
      if (droppable) client.dropped++;
      return;
    }
    client.behindSince = null;
    if (client.dropped > 0) {
      socket.send(JSON.stringify({ type: 'dropped', count: client.dropped, description: 'Trace events not sent while this client was behind' }));
      client.dropped = 0;
    }
    socket.send(frame);
  }

  async function tick(): Promise<void> {
    let queueSize = 0;
    if (deps.queue) queueSize = (await deps.queue.list({}, 0, 1)).total;
    const counters = await readLiveCounters(metrics.registry, { queueSize, mailboxDeliveries });
    const frame = JSON.stringify({ type: 'metrics', at: new Date(now()).toISOString(), counters });
    for (const client of clients) send(client, frame, false);
  }

  function startHub(): void {
    offTrace = deps.trace?.subscribe((event) => {
      for (const client of clients) {
        const visible = scopeTrace(event, client.domains);
        if (visible) send(client, JSON.stringify({ type: 'trace', event: visible }), true);
      }
    }) ?? null;
    offBus = deps.bus?.subscribe({ all: true }, (e) => { if (e.kind === 'exists') mailboxDeliveries += e.uids.length; }) ?? null;
    timer = setInterval(() => {
      tick().catch((err: unknown) => app.log.warn({ err }, 'live counters could not be read'));
    }, config.console.liveIntervalMs);
  }

  function stopHub(): void {
    if (timer) clearInterval(timer);
    offTrace?.();
    offBus?.();
    timer = offTrace = offBus = null;
  }

  async function scopeOf(actor: Actor): Promise<Set<string> | null> {
    if (actor.role === 'server-admin') return null;
    const names = new Set<string>();
    for (const id of actor.adminDomainIds) {
      const d = await deps.directory.domains.get(actor, id).catch(() => null);
      if (d) names.add(d.name.toLowerCase());
    }
    return names;
  }

  app.addHook('onClose', async () => {
    for (const c of clients) c.socket.terminate();
    clients.clear();
    stopHub();
  });

  app.get('/live', {
    websocket: true,
    config: { access: 'admin' },
    schema: {
      tags: ['live'],
      summary: 'WebSocket (RFC 6455) of live counters and message trace events for the console; see docs/console.md',
      response: { ...problemResponses },
    },
  }, async (socket, request) => {
    const auth = authOf(request);
    if (clients.size >= config.console.liveMaxClients) {
      socket.close(LiveCloseCode.full, 'too many live clients');
      return;
    }
    const client: Client = { socket, domains: await scopeOf(auth.actor), dropped: 0, behindSince: null };
    clients.add(client);
    if (clients.size === 1) startHub();
    const secret = auth.via === 'session' ? request.cookies[SESSION_COOKIE] : request.headers.authorization?.replace(/^Bearer\s+/i, '');
    const recheck = setInterval(() => {
      deps.directory.credentials.resolve(secret ?? '', auth.via).catch(() => socket.close(LiveCloseCode.unauthenticated, 'session ended'));
    }, RECHECK_MS);
    socket.on('close', () => {
      clearInterval(recheck);
      clients.delete(client);
      if (clients.size === 0) stopHub();
    });
    // The channel is one-way: anything the client sends is ignored (maxPayload bounds it).
    socket.on('message', () => undefined);
    socket.send(JSON.stringify({ type: 'hello', at: new Date(now()).toISOString(), intervalMs: config.console.liveIntervalMs, version: deps.version }));
    tick().catch((err: unknown) => request.log.warn({ err }, 'live counters could not be read'));
  });
}
