// Start-up benchmark (issue 2: "npm start prints the listening addresses and
// the admin login within 5 seconds"): runs `stoa serve` on a fresh data
// directory several times, and on an existing one, and prints the time from
// spawn to the complete banner. Prints figures; asserts nothing.
// Usage: node test/bench/start/run.ts [--runs N]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { STOA_BIN, cleanEnv } from '../../cli/run-stoa.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);

function timeToBanner(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [STOA_BIN, 'serve'], { env: cleanEnv({ STOA_DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Stop with Ctrl-C')) {
        const ms = performance.now() - started;
        child.removeAllListeners('exit');
        child.once('exit', () => resolve(ms));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before the banner`)));
  });
}

const fresh: number[] = [];
const again: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-bench-start-'));
  try {
    fresh.push(await timeToBanner(dir));
    again.push(await timeToBanner(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(0)} ms, median ${s[Math.floor(s.length / 2)].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
};
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`);
console.log(`first start (empty data dir: migrations, admin + demo accounts, DKIM keys, TLS certificate), ${RUNS} runs: ${fmt(fresh)}`);
console.log(`later start (existing data dir), ${RUNS} runs: ${fmt(again)}`);
