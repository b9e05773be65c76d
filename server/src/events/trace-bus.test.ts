import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceBus, type TraceEvent } from './trace-bus.ts';

describe('TraceBus', () => {
  it('numbers and stamps events and delivers them to every listener', () => {
    const bus = new TraceBus({ now: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    const a: TraceEvent[] = [];
    const b: TraceEvent[] = [];
    bus.subscribe((e) => a.push(e));
    bus.subscribe((e) => b.push(e));
    bus.publish({ stage: 'accepted', origin: 'smtp', sender: 's@x.test', recipients: ['r@y.test'], messageId: 'm1' });
    bus.publish({ stage: 'rejected', origin: 'smtp', sender: '', recipients: [], reason: '550 5.1.1 no such user' });
    assert.deepEqual(a.map((e) => [e.seq, e.stage, e.at]), [[1, 'accepted', '2026-01-02T03:04:05.000Z'], [2, 'rejected', '2026-01-02T03:04:05.000Z']]);
    assert.equal(a[1].reason, '550 5.1.1 no such user');
    assert.equal(a[1].queueId, null);
    assert.deepEqual(b, a);
  });

  it('builds nothing when nobody listens and stops after unsubscribe', () => {
    const bus = new TraceBus();
    bus.publish({ stage: 'delivered', origin: 'queue', sender: 's@x.test', recipients: ['r@y.test'] });
    const seen: number[] = [];
    const off = bus.subscribe((e) => seen.push(e.seq));
    bus.publish({ stage: 'delivered', origin: 'queue', sender: 's@x.test', recipients: ['r@y.test'] });
    off();
    bus.publish({ stage: 'delivered', origin: 'queue', sender: 's@x.test', recipients: ['r@y.test'] });
    assert.deepEqual(seen, [1]);
    assert.equal(bus.size, 0);
  });

  it('keeps at most 50 recipients in one event and isolates a throwing listener', () => {
    const errors: unknown[] = [];
    const bus = new TraceBus({ onListenerError: (err) => errors.push(err) });
    const seen: number[] = [];
    bus.subscribe(() => { throw new Error('broken socket'); });
    bus.subscribe((e) => seen.push(e.recipients.length));
    bus.publish({ stage: 'accepted', origin: 'smtp', sender: 's@x.test', recipients: Array.from({ length: 80 }, (_, i) => `r${i}@y.test`) });
    assert.deepEqual(seen, [50]);
    assert.equal(errors.length, 1);
  });
});
