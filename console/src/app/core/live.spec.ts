// The live channel: back-off, the stale marker, and session expiry. The
// browser's WebSocket is replaced by a fake because no server runs here.
import { TestBed } from '@angular/core/testing';
import { LiveService, reconnectDelayMs } from './live';
import { SessionStore } from './session';
import { HttpTestingController } from '@angular/common/http/testing';
import { setup } from '../../testing/harness';

class FakeSocket {
  static all: FakeSocket[] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  readonly url: string;
  constructor(url: string) { this.url = url; FakeSocket.all.push(this); }
  close(): void { /* closed by the test */ }
  frame(msg: unknown): void { this.onmessage?.({ data: JSON.stringify(msg) }); }
  drop(code = 1006): void { this.onclose?.({ code }); }
}

const counters = { smtpAccepted: 1, smtpRejected: 0, queueDelivered: 0, queueDeferred: 0, queueFailed: 0, queueSize: 0, mailboxDeliveries: 0, authFailures: 0, connections: {} };

describe('LiveService', () => {
  const realSocket = globalThis.WebSocket;
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeSocket;
    setup([{ path: 'sign-in', children: [] }]);
  });
  afterEach(() => {
    vi.useRealTimers();
    (globalThis as unknown as { WebSocket: unknown }).WebSocket = realSocket;
  });

  it('waits 1 s, then twice as long after each failure, up to 30 s, with jitter', () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(8000);
    expect(reconnectDelayMs(12, () => 0.5)).toBe(30000);
    expect(reconnectDelayMs(0, () => 0)).toBe(800);
    expect(reconnectDelayMs(0, () => 1)).toBe(1200);
  });

  it('goes live on the first frame, marks data stale when the socket drops, and reconnects with back-off', () => {
    const live = TestBed.inject(LiveService);
    live.start();
    expect(FakeSocket.all[0].url).toMatch(/\/api\/v1\/live$/);
    FakeSocket.all[0].frame({ type: 'hello', at: new Date().toISOString(), intervalMs: 2000, version: 'x' });
    FakeSocket.all[0].frame({ type: 'metrics', at: new Date().toISOString(), counters });
    expect(live.state()).toBe('live');
    expect(live.latest()?.smtpAccepted).toBe(1);
    FakeSocket.all[0].drop();
    expect(live.state()).toBe('stale');
    expect(live.stale()).toBe(true);
    expect(live.latest()?.smtpAccepted).toBe(1);
    vi.advanceTimersByTime(1300);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1].drop();
    vi.advanceTimersByTime(1300);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1200);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2].frame({ type: 'trace', event: { seq: 1, at: '', stage: 'accepted', origin: 'smtp', sender: 'a@x', recipients: ['b@y'], messageId: 'm', queueId: null, ip: null, reason: null } });
    expect(live.state()).toBe('live');
    expect(live.trace()).toHaveLength(1);
    live.stop();
  });

  it('marks data stale when frames stop arriving for three intervals', () => {
    const live = TestBed.inject(LiveService);
    live.start();
    FakeSocket.all[0].frame({ type: 'hello', at: '', intervalMs: 1000, version: 'x' });
    expect(live.state()).toBe('live');
    vi.advanceTimersByTime(4500);
    expect(live.state()).toBe('stale');
    live.stop();
  });

  it('hands a closed session (4401) to the sign-in flow instead of reconnecting', () => {
    const session = TestBed.inject(SessionStore);
    const expired = vi.spyOn(session, 'expired');
    const live = TestBed.inject(LiveService);
    live.start();
    FakeSocket.all[0].drop(4401);
    vi.advanceTimersByTime(60_000);
    expect(expired).toHaveBeenCalled();
    expect(FakeSocket.all).toHaveLength(1);
    live.stop();
  });

  it('stops reconnecting once the session has ended', async () => {
    const session = TestBed.inject(SessionStore);
    const http = TestBed.inject(HttpTestingController);
    const signingIn = session.signIn('admin', 'secret');
    http.expectOne('/api/v1/session').flush({ account: { address: 'admin', role: 'server-admin' }, role: 'server-admin', adminDomains: [], via: 'session' });
    await signingIn;
    const live = TestBed.inject(LiveService);
    TestBed.tick();
    live.start();
    FakeSocket.all[0].drop();
    session.expired();
    TestBed.tick();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(live.state()).toBe('offline');
  });
});
