// Parent side of child-worker.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StoaConfig } from '../../config/types.ts';
import type { CrashMode } from './harness.ts';

const WORKER = fileURLToPath(new URL('./child-worker.ts', import.meta.url));

function start(job: object): { child: ChildProcess; nextLine: () => Promise<string> } {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('child worker ended without answering');
    return value as string;
  };
  return { child, nextLine };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts a child that allocates `count` values of counter `name` once `go()` is called. */
export async function spawnCounterWorker(config: StoaConfig, name: string, count: number): Promise<{ go(): Promise<number[]> }> {
  const { child, nextLine } = start({ config, mode: 'counter', name, count });
  if (await nextLine() !== 'ready') throw new Error('counter worker did not start');
  return {
    async go() {
      child.stdin!.write('go\n');
      const line = await nextLine();
      await exited(child);
      if (!line.startsWith('values ')) throw new Error(`counter worker answered ${line}`);
      return JSON.parse(line.slice('values '.length)) as number[];
    },
  };
}

/** Runs a writer in a child and SIGKILLs it at the crash point. */
export async function spawnCrashingWriter(config: StoaConfig, mode: CrashMode, marker: string): Promise<{ blobId: string | null; marker: string }> {
  const { child, nextLine } = start({ config, mode, marker });
  try {
    const line = await nextLine();
    const blobId = line.startsWith('in-transaction ') ? line.slice('in-transaction '.length) : null;
    if (mode === 'before-commit' && !blobId) throw new Error(`crash worker answered ${line}`);
    return { blobId, marker };
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
}
