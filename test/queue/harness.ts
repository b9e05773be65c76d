// A store in a fresh data directory, a queue config pointing at the test
// network, and a clock the tests move by hand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../../server/src/directory/api.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { queueConfig, type QueueConfig } from '../../server/src/queue/queue-config.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { storeTestConfig } from '../../server/src/store/contract/store-test-config.ts';

export class TestClock {
  t: number;
  constructor(start = Date.parse('2026-03-01T10:00:00Z')) { this.t = start; }
  now = (): number => this.t;
  advance(ms: number): void { this.t += ms; }
}

export async function openTestStore(): Promise<{ store: Store; config: StoaConfig; cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'stoa-queue-'));
  const config = storeTestConfig(dataDir);
  const store = await openStore(config);
  return {
    store, config,
    async cleanup() {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function testQueueConfig(dnsServers: string[], port: number, overrides: Partial<QueueConfig> = {}): QueueConfig {
  return queueConfig({
    hostname: 'out.stoa.test',
    remotePort: port,
    dns: { servers: dnsServers, timeoutMs: 1000, tries: 1 },
    timeouts: { connectMs: 2000, greetingMs: 700, socketMs: 1500 },
    worker: { leaseMs: 60_000, pollIntervalMs: 200, batchSize: 20, stopTimeoutMs: 2000 },
    ...overrides,
  });
}

/** A message as an MUA would submit it. */
export function sampleMessage(from: string, to: string, subject = 'Queue test', body = 'Hello from the queue.'): Buffer {
  return Buffer.from([
    `From: <${from}>`, `To: <${to}>`, `Subject: ${subject}`, 'Date: Sun, 01 Mar 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@stoa.test>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
    body, '',
  ].join('\r\n'));
}

/** The operator named in audit entries of retry and delete in these tests. */
export const OPERATOR: Actor = { id: null, login: 'test-operator', role: 'server-admin', adminDomainIds: [], ip: '127.0.0.1' };
