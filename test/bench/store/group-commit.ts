// Durable write throughput of the SQLite adapter: many concurrent callers, each
// running small atomic() units (a counter allocation and an audit entry) and
// waiting for each commit before the next. Prints units committed per second.
// Usage: node test/bench/store/group-commit.ts [--units N --callers N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { auditFixture } from '../../../server/src/store/contract/harness.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';

const { values } = parseArgs({
  options: {
    units: { type: 'string', default: '5000' },
    callers: { type: 'string', default: '16' },
  },
});
const UNITS = Number(values.units);
const CALLERS = Number(values.callers);

const dir = await mkdtemp(join(tmpdir(), 'stoa-bench-group-commit-'));
const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
try {
  const run = async (label: string, unit: (i: number) => Promise<unknown>, callers: number) => {
    let next = 0;
    const latencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(Array.from({ length: callers }, async () => {
      for (let i = next++; i < UNITS; i = next++) {
        const t = performance.now();
        await unit(i);
        latencies.push(performance.now() - t);
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)].toFixed(2);
    console.log(`${label}: ${UNITS} units, ${callers} callers: ${seconds.toFixed(2)} s, ${(UNITS / seconds).toFixed(0)} units/s, latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
  };
  await run('atomic() units', (i) => store.atomic(async (tx) => {
    const v = await tx.counters.next('bench');
    await tx.audit.append(auditFixture({ objectId: `unit-${i}`, after: { v } }));
  }), CALLERS);
  await run('standalone writes', () => store.counters.next('bench-single'), CALLERS);
  await run('atomic() units, one caller', (i) => store.atomic(async (tx) => {
    await tx.audit.append(auditFixture({ objectId: `solo-${i}` }));
  }), 1);
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
