import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createConnectionGate, OTHER_DESCRIPTORS, parseOpenFileLimit, type Admission, type Refusal } from './connection-gate.ts';

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
  return { logger, lines };
}

const ok = (a: Admission | Refusal): Admission => {
  assert.ok(a.ok, `refused: ${JSON.stringify(a)}`);
  return a;
};
const refused = (a: Admission | Refusal): RefusalLike => {
  assert.ok(!a.ok, 'admitted');
  return a;
};
type RefusalLike = Refusal;

describe('connection gate', () => {
  it('caps a protocol, its clients and their networks, and frees places on release', () => {
    const { logger } = logCapture();
    const gate = createConnectionGate({ maxTotal: 100, reserved: 0, logger, openFileLimit: null });
    const pool = gate.pool('smtp', { maxConnections: 7, maxConnectionsPerIp: 2, maxConnectionsPerNetwork: 3 });
    const a1 = ok(pool.admit('192.0.2.1'));
    ok(pool.admit('192.0.2.1'));
    assert.equal(refused(pool.admit('::ffff:192.0.2.1')).reason, 'ip', 'the mapped form is the same client');
    ok(pool.admit('192.0.2.2'));
    assert.equal(refused(pool.admit('192.0.2.3')).reason, 'network', 'a third client of the /24 over its cap');
    ok(pool.admit('198.51.100.1'));
    ok(pool.admit('2001:db8:1:1::1'));
    ok(pool.admit('2001:db8:1:1::2'));
    assert.equal(refused(pool.admit('2001:db8:1:1::ffff')).reason, 'ip', 'one IPv6 /64 is one client');
    ok(pool.admit('2001:db8:1:2::1'));
    assert.equal(pool.open, 7);
    assert.equal(refused(pool.admit('203.0.113.9')).reason, 'protocol');
    a1.release();
    a1.release();
    assert.equal(pool.open, 6, 'release is idempotent');
    ok(pool.admit('203.0.113.9'));
  });

  it('caps every mail pool together, but never the reserve pool (HTTP)', () => {
    const { logger } = logCapture();
    const gate = createConnectionGate({ maxTotal: 3, reserved: 10, logger, openFileLimit: null });
    const imap = gate.pool('imap', { maxConnections: 10, maxConnectionsPerIp: 10 });
    const pop3 = gate.pool('pop3', { maxConnections: 10, maxConnectionsPerIp: 10 });
    const http = gate.pool('http', { maxConnections: 5, maxConnectionsPerIp: 5 }, { reserve: true });
    ok(imap.admit('192.0.2.1'));
    ok(imap.admit('192.0.2.2'));
    const third = ok(pop3.admit('192.0.2.3'));
    assert.equal(refused(pop3.admit('192.0.2.4')).reason, 'total');
    assert.equal(refused(imap.admit('192.0.2.4')).reason, 'total');
    for (let i = 0; i < 5; i++) ok(http.admit('192.0.2.5'));
    assert.deepEqual(gate.total, { open: 3, max: 3 });
    third.release();
    ok(imap.admit('192.0.2.4'));
    assert.equal(gate.pool('imap', { maxConnections: 1, maxConnectionsPerIp: 1 }), imap, 'one pool per protocol');
  });

  it('caps sessions per account and client address', () => {
    const { logger } = logCapture();
    const pool = createConnectionGate({ maxTotal: 100, reserved: 0, logger, openFileLimit: null }).pool('imap', { maxConnections: 100, maxConnectionsPerIp: 100, maxSessionsPerAccountIp: 2 });
    const s1 = ok(pool.admitSession('acc-1', '192.0.2.1'));
    ok(pool.admitSession('acc-1', '192.0.2.1'));
    assert.equal(refused(pool.admitSession('acc-1', '192.0.2.1')).reason, 'account');
    ok(pool.admitSession('acc-1', '192.0.2.2'));
    ok(pool.admitSession('acc-2', '192.0.2.1'));
    s1.release();
    ok(pool.admitSession('acc-1', '192.0.2.1'));
  });

  it('reports pressure at 80 % of a pool or of the total, once per episode', () => {
    const { logger } = logCapture();
    const gate = createConnectionGate({ maxTotal: 100, reserved: 0, logger, openFileLimit: null });
    const pool = gate.pool('smtp', { maxConnections: 5, maxConnectionsPerIp: 5 });
    let calls = 0;
    pool.onPressure(() => { calls += 1; });
    const held = [1, 2, 3].map(() => ok(pool.admit('192.0.2.1')));
    assert.equal(pool.underPressure, false);
    held.push(ok(pool.admit('192.0.2.1')));
    assert.equal(pool.underPressure, true);
    ok(pool.admit('192.0.2.1'));
    assert.equal(calls, 1);
    held[0].release();
    held[1].release();
    assert.equal(pool.underPressure, false);
    held.push(ok(pool.admit('192.0.2.1')));
    assert.equal(calls, 2);
  });

  it('logs a refused cap at warn once a minute per protocol and reason, with the number refused meanwhile', () => {
    const { logger, lines } = logCapture();
    let t = 0;
    const pool = createConnectionGate({ maxTotal: 100, reserved: 0, logger, openFileLimit: null, now: () => t }).pool('pop3', { maxConnections: 100, maxConnectionsPerIp: 1 });
    ok(pool.admit('192.0.2.1'));
    for (let i = 0; i < 5; i++) refused(pool.admit('192.0.2.1'));
    t += 61_000;
    refused(pool.admit('192.0.2.1'));
    const warns = lines.filter((l) => l.level === 40 && l.protocol === 'pop3');
    assert.equal(warns.length, 2);
    assert.equal(warns[0].reason, 'ip');
    assert.equal(warns[1].refusedSinceLastWarning, 4);
  });

  it('lowers the mail total to fit the open-file limit, keeping the reserve and the store descriptors', () => {
    const { logger, lines } = logCapture();
    const gate = createConnectionGate({ maxTotal: 4000, reserved: 256, logger, openFileLimit: 1024 });
    gate.pool('imap', { maxConnections: 10, maxConnectionsPerIp: 10 });
    assert.equal(gate.total.max, 1024 - 256 - OTHER_DESCRIPTORS);
    assert.ok(lines.some((l) => l.level === 40 && l.lowered === 1024 - 256 - OTHER_DESCRIPTORS));
  });

  it('reads the soft open-file limit from /proc/self/limits', () => {
    const table: [string, number | null][] = [
      ['Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files     \n', 20000],
      ['Max open files            unlimited            unlimited            files\n', null],
      ['Max processes 100 100 processes\n', null],
      ['', null],
    ];
    for (const [text, expected] of table) assert.equal(parseOpenFileLimit(text), expected);
  });
});
