// `stoa serve` re-executes itself once with the memory settings of
// docs/operations.md "Memory" (bin/stoa.js): glibc's fixed mmap threshold and
// a malloc arena per core, V8's young and old generation limits. An operator's own
// V8 flags and arena count win.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveStoa, tempDir } from './run-stoa.ts';

/** The command line and environment of a running process. */
function processOf(pid: number): { argv: string[]; env: Map<string, string> } {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const env = new Map(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]));
  return { argv, env };
}

async function served(env: Record<string, string>): Promise<{ argv: string[]; env: Map<string, string> }> {
  const dir = tempDir('serve-memory');
  try {
    mkdirSync(join(dir.path, 'data'), { mode: 0o700 });
    const server = await serveStoa({ STOA_DATA_DIR: join(dir.path, 'data'), ...env });
    try {
      return processOf(server.child.pid!);
    } finally {
      await server.stop();
    }
  } finally {
    dir.cleanup();
  }
}

test('serve runs with the fixed mmap threshold, a malloc arena per core, a 2 × 8 MiB young generation and a 50 % heap growing factor', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const { argv, env } = await served({});
  assert.equal(env.get('MALLOC_MMAP_THRESHOLD_'), String(4 * 1024 * 1024));
  assert.equal(env.get('MALLOC_ARENA_MAX'), String(Math.max(2, availableParallelism())));
  assert.ok(argv.includes('--max-semi-space-size=8'), argv.join(' '));
  assert.ok(argv.includes('--heap-growing-percent=50'), argv.join(' '));
});

test("an operator's own young generation size in NODE_OPTIONS wins", { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const { argv, env } = await served({ NODE_OPTIONS: '--max-semi-space-size=16' });
  assert.equal(env.get('NODE_OPTIONS'), '--max-semi-space-size=16');
  assert.ok(!argv.some((a) => a.startsWith('--max-semi-space-size')), argv.join(' '));
  assert.ok(argv.includes('--heap-growing-percent=50'), 'the other setting stays');
});

test("an operator's own malloc arena count wins", { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const { env } = await served({ MALLOC_ARENA_MAX: '4' });
  assert.equal(env.get('MALLOC_ARENA_MAX'), '4');
  assert.equal(env.get('MALLOC_MMAP_THRESHOLD_'), String(4 * 1024 * 1024), 'the re-execution still happens');
});
