// The console's component tests (console/src/**/*.spec.ts: forms, tables,
// the live channel) run in Angular's unit-test builder (Vitest over jsdom,
// offline, one process), started from here so `npm test` runs them with the
// rest of the suite. Their own report is printed when one fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { REPO } from '../cli/run-stoa.ts';

test('the console component tests pass (ng test: forms, tables, live channel)', { timeout: 300_000 }, async (t) => {
  const ng = createRequire(import.meta.url).resolve('@angular/cli/bin/ng.js');
  const child = spawn(process.execPath, [ng, 'test', '--watch=false', '--reporters=default'], {
    cwd: REPO, env: { ...process.env, NG_CLI_ANALYTICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const summary = /Tests\s+(\d+) passed[^\n]*/.exec(out)?.[0];
  if (summary) t.diagnostic(summary.trim());
  assert.equal(code, 0, `ng test failed:\n${out}`);
  assert.ok(summary, `no test summary in the output:\n${out}`);
});
