// The live channel to the server (WebSocket /api/v1/live): counters for the
// dashboard and the message trace. Reconnects with exponential back-off and
// jitter; while disconnected, or when no frame arrived for three intervals,
// the data on screen is marked stale rather than silently frozen.
import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { LiveCounters, LiveMessage, TraceEvent } from '@shared/schemas/live.ts';
import { LiveCloseCode } from '@shared/schemas/live.ts';
import { ApiHttp } from './api-http';
import { SessionStore } from './session';
import { SESSION_ENDPOINTS } from './session.endpoints';

export type LiveState = 'connecting' | 'live' | 'stale' | 'offline';

export interface CounterSample { at: number; counters: LiveCounters }

/** Delay before reconnect attempt n (0-based): 1 s doubling to 30 s, with ±20 % jitter so clients spread out. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const HISTORY = 90;
const TRACE_KEEP = 500;

@Injectable({ providedIn: 'root' })
export class LiveService {
  readonly #session = inject(SessionStore);
  readonly #api = inject(ApiHttp);
  readonly #state = signal<LiveState>('offline');
  readonly #history = signal<CounterSample[]>([]);
  readonly #trace = signal<TraceEvent[]>([]);
  readonly #dropped = signal(0);
  readonly #lastFrameAt = signal<number | null>(null);
  readonly #problem = signal<string | null>(null);
  #socket: WebSocket | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #staleTimer: ReturnType<typeof setInterval> | null = null;
  #intervalMs = 2000;
  #wanted = false;

  readonly state = this.#state.asReadonly();
  readonly history = this.#history.asReadonly();
  readonly trace = this.#trace.asReadonly();
  readonly dropped = this.#dropped.asReadonly();
  readonly lastFrameAt = this.#lastFrameAt.asReadonly();
  readonly problem = this.#problem.asReadonly();
  readonly latest = computed(() => this.#history().at(-1)?.counters ?? null);
  readonly stale = computed(() => this.#state() !== 'live');

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
    // Signed out or session ended: no more reconnect attempts (they could only be refused).
    let wasSignedIn = false;
    effect(() => {
      const signedIn = this.#session.signedIn();
      if (wasSignedIn && !signedIn) untracked(() => this.stop());
      wasSignedIn = signedIn;
    });
  }

  start(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#connect();
    this.#staleTimer = setInterval(() => this.#checkStale(), 1000);
  }

  stop(): void {
    this.#wanted = false;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#staleTimer) clearInterval(this.#staleTimer);
    this.#retryTimer = this.#staleTimer = null;
    this.#socket?.close(1000);
    this.#socket = null;
    this.#state.set('offline');
  }

  clearTrace(): void {
    this.#trace.set([]);
  }

  #connect(): void {
    if (!this.#wanted) return;
    this.#state.set(this.#history().length ? 'stale' : 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => { opened = true; };
    socket.onmessage = (ev) => this.#receive(ev.data);
    socket.onclose = (ev) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (ev.code === LiveCloseCode.unauthenticated) {
        this.#wanted = false;
        this.#state.set('offline');
        this.#session.expired();
        return;
      }
      this.#problem.set(ev.code === LiveCloseCode.full ? 'The server has too many live viewers; retrying' : 'Live connection lost; reconnecting');
      // Refused before opening: maybe the session ended (the upgrade got a 401). Asking the API
      // lets the 401 interceptor send the user to sign-in; otherwise the server is just away.
      if (!opened) this.#api.call(SESSION_ENDPOINTS.current).catch(() => undefined);
      this.#scheduleReconnect();
    };
  }

  #scheduleReconnect(): void {
    if (!this.#wanted) return;
    this.#state.set('stale');
    const delay = reconnectDelayMs(this.#attempt++);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #checkStale(): void {
    const last = this.#lastFrameAt();
    if (this.#state() === 'live' && last !== null && Date.now() - last > 3 * this.#intervalMs) this.#state.set('stale');
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: LiveMessage;
    try { msg = JSON.parse(data) as LiveMessage; } catch { return; }
    this.#lastFrameAt.set(Date.now());
    this.#attempt = 0;
    this.#problem.set(null);
    this.#state.set('live');
    switch (msg.type) {
      case 'hello':
        this.#intervalMs = msg.intervalMs;
        break;
      case 'metrics':
        this.#history.update((h) => [...h.slice(-(HISTORY - 1)), { at: Date.parse(msg.at), counters: msg.counters }]);
        break;
      case 'trace':
        this.#trace.update((t) => [msg.event, ...t].slice(0, TRACE_KEEP));
        break;
      case 'dropped':
        this.#dropped.update((n) => n + msg.count);
        break;
    }
  }
}
