// Modules that only one feature needs are loaded at that feature's first use,
// not when `stoa serve` starts: every module loaded stays in the heap as its
// source text, bytecode and objects, which is idle memory (issue 8: idle RSS
// ≤ 150 MiB). typebox/value (some 300 modules) is used only by the CSV
// account import.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const REPO = join(import.meta.dirname, '..', '..');

test('loading the composition root does not load modules that only one rarely used feature needs', () => {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, ctx, next) { loaded.push(url); return next(url, ctx); } });
    await import(${JSON.stringify(join(REPO, 'server/src/services.ts'))});
    process.stdout.write(JSON.stringify(loaded));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const loaded = JSON.parse(run.stdout) as string[];
  assert.ok(loaded.some((u) => u.includes('/server/src/directory/account-bulk.ts')), 'the probe sees the bulk service load');
  assert.deepEqual(loaded.filter((u) => u.includes('/typebox/build/value/')), [], 'typebox/value is loaded at the first CSV import');
});
