// Makes sure dist/console/browser holds a production build of the current
// sources before a test serves it (rebuilds when a console or shared source
// is newer; one build at a time when test files run in parallel).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../cli/run-stoa.ts';
import { CONSOLE_DIST } from '../../scripts/build-console.ts';

export { CONSOLE_DIST };

export function ensureConsoleBuilt(): void {
  // The staleness check runs under the lock too: the build writes index.html
  // before it compresses every file, so a check made outside the lock while
  // another test process builds would find a fresh index and no .br files yet.
  // flock(1) serialises the build across test processes; the second finds it fresh.
  const lock = join(tmpdir(), 'stoa-console-build.lock');
  closeSync(openSync(lock, 'a'));
  const r = spawnSync('flock', [lock, process.execPath, join(REPO, 'scripts/build-console.ts'), '--if-stale'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`console build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}
