// The console's live channel over a real WebSocket (RFC 6455): who may open
// it, what it streams (counters and trace events), what a domain admin may
// see of the trace and of the queue, and its bounds (subscriber cap, session
// re-check, a password change ending the channel at once).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../server/src/directory/access.ts';
import { type Client, type Harness, PASSWORD, startApi } from './harness.ts';

interface Socket { ws: WebSocket; frames: any[]; closed: Promise<{ code: number }>; next(pred: (f: any) => boolean, ms?: number): Promise<any> }

function connect(h: Harness, client: Client | null): Promise<Socket> {
  const url = `${h.base.replace('http', 'ws')}/api/v1/live`;
  const ws = new WebSocket(url, client?.cookie ? { headers: { cookie: `stoa_session=${client.cookie}` } } as never : undefined);
  const frames: any[] = [];
  const waiters: Array<() => void> = [];
  ws.onmessage = (e) => { frames.push(JSON.parse(String(e.data))); for (const w of waiters.splice(0)) w(); };
  const closed = new Promise<{ code: number }>((resolve) => { ws.onclose = (e) => resolve({ code: e.code }); });
  const next = async (pred: (f: any) => boolean, ms = 5000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = frames.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
      await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50); });
    }
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ ws, frames, closed, next });
    ws.onerror = () => reject(new Error('websocket refused'));
  });
}

describe('live channel (WebSocket /api/v1/live)', () => {
  let h: Harness;
  let admin: Client;
  let eastAdmin: Client;

  before(async () => {
    h = await startApi((c) => { c.console.liveIntervalMs = 250; c.console.liveMaxClients = 3; });
    await h.seedAccount('root@ops.test', 'server-admin');
    await h.seedAccount('boss@east.test', 'domain-admin', ['east.test']);
    await h.seedAccount('plain@east.test');
    admin = await h.login('root@ops.test');
    eastAdmin = await h.login('boss@east.test');
  });
  after(() => h.close());

  test('refuses a connection without a session, and a plain user', async () => {
    await assert.rejects(connect(h, null), /refused/);
    const user = await h.login('plain@east.test');
    await assert.rejects(connect(h, user), /refused/);
  });

  test('greets, then streams counters from the metrics registry', async () => {
    const s = await connect(h, admin);
    const hello = await s.next((f) => f.type === 'hello');
    assert.equal(hello.intervalMs, 250);
    h.metrics.authAttempts.inc({ protocol: 'imap', result: 'failed' });
    const m = await s.next((f) => f.type === 'metrics' && f.counters.authFailures >= 1);
    assert.equal(typeof m.counters.smtpAccepted, 'number');
    assert.equal(typeof m.counters.queueSize, 'number');
    s.ws.close();
    await s.closed;
  });

  test('forwards trace events, and a domain admin sees only those of their domains', async () => {
    const all = await connect(h, admin);
    const east = await connect(h, eastAdmin);
    await all.next((f) => f.type === 'hello');
    await east.next((f) => f.type === 'hello');
    h.trace.publish({ stage: 'rejected', origin: 'smtp', sender: 'spam@bad.example', recipients: ['x@west.test'], ip: '192.0.2.9', reason: '550 5.1.1 unknown' });
    h.trace.publish({ stage: 'accepted', origin: 'smtp', sender: 'a@remote.example', recipients: ['plain@east.test', 'w1@west.test'], ip: '192.0.2.10', messageId: 'm-1' });
    const seenByAdmin = await all.next((f) => f.type === 'trace' && f.event.messageId === 'm-1');
    assert.deepEqual(seenByAdmin.event.recipients, ['plain@east.test', 'w1@west.test']);
    assert.ok(all.frames.some((f) => f.type === 'trace' && f.event.stage === 'rejected'));
    const seenByEast = await east.next((f) => f.type === 'trace');
    assert.equal(seenByEast.event.messageId, 'm-1');
    assert.deepEqual(seenByEast.event.recipients, ['plain@east.test'], 'other domains\' recipients are cut');
    assert.equal(seenByEast.event.ip, null, 'the sending IP is not theirs to see');
    assert.equal(east.frames.filter((f) => f.type === 'trace').length, 1, 'the refusal for another domain is not shown');
    all.ws.close();
    east.ws.close();
    await Promise.all([all.closed, east.closed]);
  });

  test('counts new messages delivered into mailboxes from the change bus', async () => {
    const s = await connect(h, admin);
    const first = await s.next((f) => f.type === 'metrics');
    h.bus.publish({ accountId: 'a', mailboxId: 'm', kind: 'exists', uids: [1, 2], modseq: 3 });
    await s.next((f) => f.type === 'metrics' && f.counters.mailboxDeliveries === first.counters.mailboxDeliveries + 2);
    s.ws.close();
    await s.closed;
  });

  test('closes connections beyond the subscriber cap with 4429', async () => {
    const open = await Promise.all([connect(h, admin), connect(h, admin), connect(h, admin)]);
    const extra = await connect(h, admin);
    assert.equal((await extra.closed).code, 4429);
    for (const s of open) s.ws.close();
    await Promise.all(open.map((s) => s.closed));
  });

  test('a password change ends the account\'s open channel at once, with the sign-in-again code', async () => {
    await h.seedAccount('second@ops.test', 'server-admin');
    const c = await h.login('second@ops.test');
    const s = await connect(h, c);
    await s.next((f) => f.type === 'hello');
    const other = await connect(h, admin);
    await other.next((f) => f.type === 'hello');
    const account = await h.directory.accounts.get(systemActor(), 'second@ops.test');
    // Well before the 30 s re-check: the account event on the change bus closes it.
    await h.directory.accounts.setPassword(systemActor(), account.id, `${PASSWORD} changed`);
    assert.equal((await s.closed).code, 4401);
    assert.equal(other.ws.readyState, WebSocket.OPEN, 'another account\'s channel stays open');
    other.ws.close();
    await other.closed;
  });

  test('the session that changed its own password keeps its channel', async () => {
    await h.seedAccount('third@ops.test', 'server-admin');
    const c = await h.login('third@ops.test');
    const s = await connect(h, c);
    await s.next((f) => f.type === 'hello');
    const me = await c.get('/api/v1/session');
    const res = await c.put(`/api/v1/accounts/${me.body.account.id}/password`, { password: `${PASSWORD} renewed` });
    assert.equal(res.status, 204);
    const before = s.frames.length;
    await s.next((f) => f.type === 'metrics' && s.frames.indexOf(f) >= before, 3000);
    assert.equal(s.ws.readyState, WebSocket.OPEN);
    s.ws.close();
    await s.closed;
  });

  test('a signed-out session can no longer open the channel', async () => {
    const c = await h.login('root@ops.test');
    const cookie = c.cookie;
    await c.delete('/api/v1/session');
    c.cookie = cookie;
    await assert.rejects(connect(h, c), /refused/);
  });
});

describe('live channel queue size', () => {
  let h: Harness;
  before(async () => {
    h = await startApi((c) => { c.console.liveIntervalMs = 250; }, { queue: true });
    await h.seedAccount('root@ops.test', 'server-admin');
    await h.seedAccount('boss@east.test', 'domain-admin', ['east.test']);
    await h.seedAccount('w1@west.test');
  });
  after(() => h.close());

  test('is asked of the queue with the viewer\'s own rights: a domain admin counts their domains\' mail only', async () => {
    for (const sender of ['plain@east.test', 'w1@west.test', 'w1@west.test']) {
      await h.services.queue.enqueue(systemActor(), { message: Buffer.from('Subject: q\r\n\r\nx\r\n'), sender, recipients: [{ address: 'far@remote.example' }] });
    }
    const all = await connect(h, await h.login('root@ops.test'));
    const east = await connect(h, await h.login('boss@east.test'));
    assert.equal((await all.next((f) => f.type === 'metrics')).counters.queueSize, 3);
    assert.equal((await east.next((f) => f.type === 'metrics')).counters.queueSize, 1);
    all.ws.close();
    east.ws.close();
    await Promise.all([all.closed, east.closed]);
  });
});
