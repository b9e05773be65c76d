import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../directory/api.ts';
import { TraceBus, type TraceEvent } from './trace-bus.ts';
import { createTraceService, scopeTrace } from './trace-service.ts';

const event = (over: Partial<TraceEvent> = {}): TraceEvent => ({
  seq: 1, at: '2026-01-01T00:00:00.000Z', stage: 'accepted', origin: 'smtp', sender: 'a@remote.example',
  recipients: ['one@east.test', 'two@west.test'], messageId: 'm', queueId: null, ip: '192.0.2.1', reason: null, ...over,
});

describe('scopeTrace', () => {
  const east = new Set(['east.test']);
  it('shows a domain admin only the recipients of their domains, without the outside client\'s IP', () => {
    assert.deepEqual(scopeTrace(event(), east), event({ recipients: ['one@east.test'], ip: null }));
  });
  it('shows mail sent from their domain whole, with its IP', () => {
    const sent = event({ sender: 'me@EAST.test', recipients: ['far@remote.example'] });
    assert.deepEqual(scopeTrace(sent, east), sent);
  });
  it('hides events that do not touch their domains, and a null sender is nobody\'s', () => {
    assert.equal(scopeTrace(event({ recipients: ['two@west.test'] }), east), null);
    assert.equal(scopeTrace(event({ sender: '', recipients: [] }), east), null);
  });
  it('shows a server admin everything', () => {
    assert.deepEqual(scopeTrace(event(), null), event());
  });
});

describe('TraceService', () => {
  const domains = {
    get: async (id: string) => (id === 'd-east' ? { id, name: 'East.test' } : null) as never,
    aliasesOf: async (id: string) => (id === 'd-east' ? [{ id: 'd-alias', name: 'east-alias.test' }] : []) as never,
  };
  const admin = (over: Partial<Actor>): Actor => ({ id: 'x', login: 'x', role: 'domain-admin', adminDomainIds: ['d-east'], ip: null, ...over });

  it('scopes a domain admin to their domains and alias domains, read when watching starts', async () => {
    const bus = new TraceBus();
    const service = createTraceService({ bus, domains });
    const seen: string[][] = [];
    const stop = await service.watch(admin({}), (e) => seen.push(e.recipients));
    bus.publish({ stage: 'delivered', origin: 'smtp', sender: 's@remote.example', recipients: ['a@east-alias.test', 'b@west.test'] });
    bus.publish({ stage: 'delivered', origin: 'smtp', sender: 's@remote.example', recipients: ['b@west.test'] });
    stop();
    bus.publish({ stage: 'delivered', origin: 'smtp', sender: 's@remote.example', recipients: ['a@east.test'] });
    assert.deepEqual(seen, [['a@east-alias.test']]);
    assert.equal(bus.size, 0);
  });

  it('refuses users', async () => {
    const service = createTraceService({ bus: new TraceBus(), domains });
    await assert.rejects(service.watch(admin({ role: 'user', adminDomainIds: [] }), () => undefined), /not allowed|STOA_FORBIDDEN|administrator/i);
  });
});
