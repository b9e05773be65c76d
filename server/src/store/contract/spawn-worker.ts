// Parent side of child-worker.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Domain } from '../../../../shared/src/schemas/directory.ts';
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

/**
 * Runs `callers` concurrent writers of small atomic() units in a child and
 * SIGKILLs it once `killAfter` units have been reported committed. Returns the
 * account ids of the units started and of those whose atomic() resolved.
 */
export async function spawnKilledUnitWriter(config: StoaConfig, domain: Domain, callers: number, killAfter: number): Promise<{ started: string[]; resolved: string[] }> {
  const { child, nextLine } = start({ config, mode: 'units', domain, callers });
  const started: string[] = [];
  const resolved: string[] = [];
  const record = (line: string) => {
    const [kind, id] = line.split(' ');
    if (kind === 'start' && id) started.push(id);
    else if (kind === 'ok' && id) resolved.push(id);
  };
  try {
    if (await nextLine() !== 'ready') throw new Error('unit worker did not start');
    while (resolved.length < killAfter) record(await nextLine());
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
  // What the child printed before it died is still in the pipe.
  for (;;) {
    let line: string;
    try {
      line = await nextLine();
    } catch {
      break;
    }
    record(line);
  }
  return { started, resolved };
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
