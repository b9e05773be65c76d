// A delivery worker in its own process, for the race and crash tests.
// Argument: JSON { storeConfig, queueConfig, mode: 'run' | 'hold' }.
// run: prints "ready", waits for a line on stdin, delivers everything due,
//      prints "done <groups it claimed>", exits.
// hold: starts the worker (its smarthost hangs), prints "started"; the parent kills it.
import type { StoaConfig } from '../../server/src/config/types.ts';
import { DeliveryWorker } from '../../server/src/queue/delivery-worker.ts';
import type { QueueConfig } from '../../server/src/queue/queue-config.ts';
import { openStore } from '../../server/src/store/open-store.ts';

const job = JSON.parse(process.argv[2] ?? '{}') as { storeConfig: StoaConfig; queueConfig: QueueConfig; mode: 'run' | 'hold'; owner: string };
const store = await openStore(job.storeConfig);
const worker = new DeliveryWorker({
  store, config: job.queueConfig, owner: job.owner,
  submit: async () => { throw new Error('no notices expected in this test'); },
});
if (job.mode === 'run') {
  process.stdout.write('ready\n');
  // Every racer starts on the parent's "go", so none has the queue to itself.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const claimed = await worker.runOnce();
  await store.close();
  process.stdout.write(`done ${claimed}\n`);
  process.exit(0);
} else {
  worker.start();
  process.stdout.write('started\n');
}
