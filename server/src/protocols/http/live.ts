// The console's live channel: GET /api/v1/live upgraded to a WebSocket
// (RFC 6455), authenticated by the session cookie (or a bearer token) through
// the same gate as every admin route. One hub per server reads the metrics
// registry once per interval; each client watches the message trace through
// the TraceService (which decides what its actor may see) and gets both as
// JSON text frames.
//
// Bounded: at most console.liveMaxClients subscribers (more are closed with
// 4429); a client that does not read (bufferedAmount above
// console.liveMaxBufferedBytes) gets no frames until it drains, is told how
// many it missed, and is closed (4408) if it stays behind for 30 s. Sessions
// are re-checked every 30 s so an expired or revoked one is closed (4401);
// a password change, disabled or deleted account (an account event on the
// change bus, AccountService) re-checks that account's channels at once, so
// those whose session it ended close then, as its IMAP and POP3 sessions do. The queue size each client sees is asked
// of the queue service with the client's own actor (a domain admin sees the
// mail of their domains only).
import type { FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import type { Actor, Directory } from '../../directory/api.ts';
import type { ConsoleSettings } from '../../config/types.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { TraceService } from '../../events/trace-service.ts';
import { readLiveCounters } from '../../metrics/live-counters.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import { LiveCloseCode } from '../../../../shared/src/schemas/live.ts';
import { SESSION_COOKIE, authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

export interface LiveDeps {
  settings: ConsoleSettings;
  directory: Directory;
  metrics: Metrics;
  version: string;
  /** Trace events as each viewer may see them (the domain scope is the service's rule). */
  trace: TraceService;
  bus: ChangeBus;
  queue?: QueueService;
  /** Clock for the stuck-client timer (tests); real time by default. */
  now?: () => number;
}

const RECHECK_MS = 30_000;
const STUCK_MS = 30_000;

interface Client {
  socket: WebSocket;
  accountId: string;
  actor: Actor;
  /** Stops this client's trace subscription. */
  unwatch: () => void;
  /** Asks the directory now whether this client's session still holds (closes it when not). */
  recheck: () => void;
  dropped: number;
  behindSince: number | null;
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
  const { settings, metrics } = deps;
  const now = deps.now ?? Date.now;
  const clients = new Set<Client>();
  let mailboxDeliveries = 0;
  let timer: NodeJS.Timeout | null = null;
  let offBus: (() => void) | null = null;

  function send(client: Client, frame: string, droppable: boolean): void {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > settings.liveMaxBufferedBytes) {
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

  /** Clients with the same scope share one queue count (server admins: all of them). */
  function scopeKey(actor: Actor): string {
    return actor.role === 'server-admin' ? '*' : [...actor.adminDomainIds].sort().join(',');
  }

  async function tick(): Promise<void> {
    const at = new Date(now()).toISOString();
    const sizes = new Map<string, Promise<number>>();
    const queueSize = (actor: Actor): Promise<number> => {
      const key = scopeKey(actor);
      let size = sizes.get(key);
      if (!size) sizes.set(key, size = deps.queue ? deps.queue.list(actor, {}, 0, 1).then((p) => p.total) : Promise.resolve(0));
      return size;
    };
    const counters = await readLiveCounters(metrics.registry, { queueSize: 0, mailboxDeliveries });
    for (const client of [...clients]) {
      send(client, JSON.stringify({ type: 'metrics', at, counters: { ...counters, queueSize: await queueSize(client.actor) } }), false);
    }
  }

  /**
   * The account's password was changed, or it was disabled or deleted: its
   * channels are checked now rather than at the next 30 s re-check, and
   * those whose session ended close (the session that changed its own
   * password is kept by AccountService, and so is its channel).
   */
  function recheckSessionsOf(accountId: string): void {
    for (const c of clients) if (c.accountId === accountId) c.recheck();
  }

  /** Trace events as this client's actor may see them (TraceService applies the domain scope). */
  async function watchTrace(client: Client): Promise<void> {
    const unwatch = await deps.trace.watch(client.actor, (event) => send(client, JSON.stringify({ type: 'trace', event }), true));
    client.unwatch();
    client.unwatch = unwatch;
    // Closed while the scope was being read: stop at once.
    if (!clients.has(client)) unwatch();
  }

  function startHub(): void {
    offBus = deps.bus.subscribe({ all: true }, (e) => {
      if (e.kind === 'exists') mailboxDeliveries += e.uids.length;
      else if (e.kind === 'account') recheckSessionsOf(e.accountId);
    });
    timer = setInterval(() => {
      tick().catch((err: unknown) => app.log.warn({ err }, 'live counters could not be read'));
    }, settings.liveIntervalMs);
  }

  function stopHub(): void {
    if (timer) clearInterval(timer);
    offBus?.();
    timer = offBus = null;
  }

  app.addHook('onClose', async () => {
    for (const c of clients) {
      c.unwatch();
      c.socket.terminate();
    }
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
    if (clients.size >= settings.liveMaxClients) {
      socket.close(LiveCloseCode.full, 'too many live clients');
      return;
    }
    const client: Client = {
      socket, accountId: auth.account.id, actor: auth.actor, unwatch: () => undefined, recheck: () => undefined, dropped: 0, behindSince: null,
    };
    clients.add(client);
    if (clients.size === 1) startHub();
    const secret = auth.via === 'session' ? request.cookies[SESSION_COOKIE] : request.headers.authorization?.replace(/^Bearer\s+/i, '');
    // Sessions of other nodes, expiry, and a changed role or domain scope are seen here.
    client.recheck = () => {
      deps.directory.credentials.resolve(secret ?? '', auth.via).then(async ({ account }) => {
        if (account.role === 'user') {
          socket.close(LiveCloseCode.unauthenticated, 'no longer an administrator');
          return;
        }
        client.actor = deps.directory.actorFor(account, request.ip);
        await watchTrace(client);
      }).catch(() => socket.close(LiveCloseCode.unauthenticated, 'session ended'));
    };
    const recheck = setInterval(() => client.recheck(), RECHECK_MS);
    socket.on('close', () => {
      clearInterval(recheck);
      client.unwatch();
      clients.delete(client);
      if (clients.size === 0) stopHub();
    });
    // The channel is one-way: anything the client sends is ignored (maxPayload bounds it).
    socket.on('message', () => undefined);
    try {
      await watchTrace(client);
    } catch (err) {
      request.log.warn({ err }, 'live trace could not be watched');
      socket.close(LiveCloseCode.unauthenticated, 'not allowed');
      return;
    }
    if (!clients.has(client)) return;
    socket.send(JSON.stringify({ type: 'hello', at: new Date(now()).toISOString(), intervalMs: settings.liveIntervalMs, version: deps.version }));
    tick().catch((err: unknown) => request.log.warn({ err }, 'live counters could not be read'));
  });
}
