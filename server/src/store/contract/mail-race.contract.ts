// Two processes (and two stores in this one) appending to one mailbox at
// once: UIDs stay unique and contiguous, because allocation happens inside
// the writing transaction (RFC 9051 §2.3.1.1: strictly ascending UIDs).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StoaConfig } from '../../config/types.ts';
import { T0, newId, useHarness, type StoreFactory } from './harness.ts';
import { mailboxFixture, storedMessage } from './mail-fixtures.ts';

const WORKER = fileURLToPath(new URL('./mail-append-worker.ts', import.meta.url));

async function startWorker(config: StoaConfig, mailboxId: string, count: number, tag: string): Promise<{ go(): Promise<number[]> }> {
  const child = spawn(process.execPath, [WORKER, JSON.stringify({ config, mailboxId, count, tag })], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('append worker ended without answering');
    return value as string;
  };
  if (await next() !== 'ready') throw new Error('append worker did not start');
  return {
    async go() {
      child.stdin!.write('go\n');
      const line = await next();
      if (!line.startsWith('uids ')) throw new Error(`append worker answered ${line}`);
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      return JSON.parse(line.slice('uids '.length)) as number[];
    },
  };
}

function assertContiguous(uids: number[], count: number): void {
  assert.equal(new Set(uids).size, uids.length, 'UIDs are unique');
  assert.deepEqual([...uids].sort((a, b) => a - b), Array.from({ length: count }, (_, i) => i + 1));
}

export function mailRaceContract(factory: StoreFactory): void {
  describe('messages: racing appends', () => {
    const h = useHarness(factory, { before, after });

    it('gives unique contiguous UIDs to two stores appending at once', async (t) => {
      const { store, openSibling } = h();
      if (!openSibling) return t.skip('adapter has no sibling stores');
      const sibling = await openSibling();
      try {
        const box = await mailboxFixture(store, newId(), 'INBOX');
        const mine = await Promise.all(Array.from({ length: 20 }, (_, i) => storedMessage(store, { subject: `a${i}`, text: 'a' })));
        const theirs = await Promise.all(Array.from({ length: 20 }, (_, i) => storedMessage(sibling, { subject: `b${i}`, text: 'b' })));
        const results = await Promise.all([
          ...mine.map((m) => store.messages.append(box.id, [m], T0)),
          ...theirs.map((m) => sibling.messages.append(box.id, [m], T0)),
        ]);
        assertContiguous(results.flatMap((r) => r.uids), 40);
        assert.deepEqual([...(await store.messages.list(box.id)).uids], Array.from({ length: 40 }, (_, i) => i + 1));
      } finally {
        await sibling.close();
      }
    });

    it('gives unique contiguous UIDs to two processes appending at once', async (t) => {
      const { store, childConfig } = h();
      if (!childConfig) return t.skip('adapter cannot be opened from a child process');
      const box = await mailboxFixture(store, newId(), 'Race');
      const count = 60;
      const workers = await Promise.all([startWorker(childConfig, box.id, count, 'one'), startWorker(childConfig, box.id, count, 'two')]);
      const [one, two] = await Promise.all(workers.map((w) => w.go()));
      assertContiguous([...one, ...two], 2 * count);
      for (const uids of [one, two]) assert.deepEqual(uids, [...uids].sort((a, b) => a - b), 'each process sees its UIDs ascend');
      const status = await store.messages.status(box.id);
      assert.equal(status.messages, 2 * count);
      assert.equal(status.uidNext, 2 * count + 1);
    });
  });
}
