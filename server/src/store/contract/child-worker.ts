// Child process used by the contract suite to race and crash writers in a
// separate process. Argument: JSON { config, mode, name?, count?, marker?, domain?, callers? }.
// Protocol on stdout, one line each: "ready", then a result or a crash point.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Domain } from '../../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../../config/types.ts';
import { openStore } from '../open-store.ts';
import { accountFixture, auditFixture } from './harness.ts';

interface Job {
  config: StoaConfig;
  mode: 'counter' | 'units' | 'before-commit' | 'mid-blob-write';
  name?: string;
  count?: number;
  marker?: string;
  domain?: Domain;
  callers?: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const store = await openStore(job.config);
const say = (line: string) => process.stdout.write(`${line}\n`);
const forever = () => new Promise<never>(() => { setInterval(() => undefined, 60_000); });

if (job.mode === 'counter') {
  const lines = createInterface({ input: process.stdin });
  say('ready');
  for await (const line of lines) if (line === 'go') break;
  const values: number[] = [];
  const name = job.name ?? 'race';
  for (let i = 0; i < (job.count ?? 0); i++) values.push(await store.counters.next(name));
  say(`values ${JSON.stringify(values)}`);
  await store.close();
  process.exit(0);
} else if (job.mode === 'units') {
  // Concurrent callers commit small units (an account and its audit entry)
  // until the parent kills us: "start <id>" before each, "ok <id>" once its
  // atomic() resolved. Writes to a pipe are synchronous on Linux, so every
  // line printed reaches the parent even though we die without warning.
  const domain = job.domain!;
  let n = 0;
  say('ready');
  await Promise.all(Array.from({ length: job.callers ?? 1 }, async () => {
    for (;;) {
      const account = accountFixture(domain, `unit-${n++}`);
      say(`start ${account.id}`);
      await store.atomic(async (tx) => {
        await tx.accounts.create(account);
        await tx.audit.append(auditFixture({ objectId: account.id }));
      });
      say(`ok ${account.id}`);
    }
  }));
} else if (job.mode === 'before-commit') {
  const blob = await store.blobs.put(Buffer.from(`crash test body ${job.marker}\r\n`));
  await store.atomic(async (tx) => {
    await tx.blobRefs.ref(blob.id, 1);
    await tx.audit.append(auditFixture({ objectType: 'message', objectId: job.marker ?? 'crash', after: { blobId: blob.id } }));
    say(`in-transaction ${blob.id}`);
    await forever();
  });
} else {
  // Half a body, then silence: the parent kills us while the temp file is open.
  const source = new Readable({ read() {} });
  source.push(Buffer.alloc(256 * 1024, 0x61));
  const put = store.blobs.put(source);
  setTimeout(() => say('mid-write'), 200);
  await put;
}
