import { connectionKeys, gauge, ratePerMinute, type Sample } from './dashboard-series';

const at = (s: number, accepted: number, connections: Record<string, number> = {}): Sample => ({
  at: s * 1000,
  counters: { smtpAccepted: accepted, smtpRejected: 0, queueDelivered: 0, queueDeferred: 0, queueFailed: 0, queueSize: accepted, mailboxDeliveries: 0, authFailures: 0, connections },
});

describe('dashboard series', () => {
  it('turns totals into per-minute rates and survives a server restart', () => {
    const h = [at(0, 10), at(2, 12), at(4, 12), at(6, 3)];
    expect(ratePerMinute(h, (c) => c.smtpAccepted)).toEqual([60, 0, 90]);
    expect(ratePerMinute([at(0, 1)], (c) => c.smtpAccepted)).toEqual([]);
  });

  it('keeps gauges as they are and lists every protocol seen', () => {
    const h = [at(0, 1, { imap: 2 }), at(2, 4, { smtp: 1 })];
    expect(gauge(h, (c) => c.queueSize)).toEqual([1, 4]);
    expect(connectionKeys(h)).toEqual(['imap', 'smtp']);
  });
});
