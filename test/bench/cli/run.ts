// CLI start-up cost (issue 16 item 18): wall time and CPU (user + system, of
// the child process, measured by /usr/bin/time) of `stoa --help` and
// `stoa account list` against a store with 100 accounts. Prints figures;
// asserts nothing.
// Usage: node test/bench/cli/run.ts [--runs N] [--bin PATH/TO/bin/stoa.js]
// (--bin runs another checkout's CLI against the same store, for a before/after.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createServices } from '../../../server/src/services.ts';
import { defaultConfig } from '../../../server/src/config/schema.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';
import { createLogger } from '../../../server/src/log/logger.ts';
import { systemActor } from '../../../server/src/directory/access.ts';
import { STOA_BIN, cleanEnv } from '../../cli/run-stoa.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, bin: { type: 'string', default: STOA_BIN } } });
const RUNS = Number(values.runs);
const BIN = values.bin;

interface Sample { wallMs: number; cpuMs: number }

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      const last = err.trim().split('\n').at(-1) ?? '';
      const [user, sys] = last.split(' ').map(Number);
      if (code !== 0 || !Number.isFinite(user)) reject(new Error(`stoa ${args.join(' ')} failed (${code}): ${err}`));
      else resolve({ wallMs, cpuMs: (user + sys) * 1000 });
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'stoa-bench-cli-'));
try {
  const config = defaultConfig();
  config.dataDir = dataDir;
  const store = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs') });
  const services = createServices(config, store, createLogger({ ...config, log: { level: 'silent', pretty: false } }), { defaultMetrics: false });
  await services.directory.domains.create(systemActor(), { name: 'bench.example' });
  for (let i = 0; i < 100; i++) await services.directory.accounts.create(systemActor(), { address: `user${i}@bench.example` });
  await store.close();

  const env = cleanEnv({ STOA_DATA_DIR: dataDir });
  const report = (label: string, samples: Sample[]): void => {
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const wall = samples.map((s) => s.wallMs);
    const cpu = samples.map((s) => s.cpuMs);
    console.log(`${label}: wall median ${med(wall).toFixed(0)} ms (min ${Math.min(...wall).toFixed(0)}), CPU median ${med(cpu).toFixed(0)} ms (min ${Math.min(...cpu).toFixed(0)})`);
  };
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${BIN}`);
  for (const [label, args] of [['stoa --help', ['--help']], ['stoa account list (100 accounts)', ['account', 'list']]] as const) {
    await timed([...args], env); // warm the file cache
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await timed([...args], env));
    report(label, samples);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
