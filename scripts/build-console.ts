// Builds the admin console (Angular, production configuration) into
// dist/console/browser and writes a brotli and a gzip copy of every text
// file, which the server sends to browsers that accept them (no compression
// work per request). `--if-missing` (used by npm start) returns at once when
// a build is already there, so start-up stays fast.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'console', 'browser');
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest)$/;

export function compressTree(dir: string): { files: number; bytes: number; brotli: number } {
  let files = 0;
  let bytes = 0;
  let brotli = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const sub = compressTree(path);
      files += sub.files; bytes += sub.bytes; brotli += sub.brotli;
      continue;
    }
    if (!COMPRESSIBLE.test(name)) continue;
    const data = readFileSync(path);
    const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
    writeFileSync(`${path}.br`, br);
    writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
    files++;
    bytes += data.length;
    brotli += br.length;
  }
  return { files, bytes, brotli };
}

function build(): void {
  const require = createRequire(import.meta.url);
  let ng: string;
  try {
    ng = require.resolve('@angular/cli/bin/ng.js');
  } catch {
    console.error('The console cannot be built: the Angular build tools are not installed. Run "npm install" (with dev dependencies) first.');
    process.exit(1);
  }
  console.log('Building the admin console (dist/console/browser)…');
  const result = spawnSync(process.execPath, [ng, 'build', '--configuration', 'production'], {
    cwd: root, stdio: 'inherit', env: { ...process.env, NG_CLI_ANALYTICS: 'false', NG_FORCE_TTY: 'false' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const c = compressTree(out);
  console.log(`Compressed ${c.files} files: ${(c.bytes / 1024).toFixed(0)} KiB → ${(c.brotli / 1024).toFixed(0)} KiB (brotli)`);
}

/** Newest modification time under a directory (sources of the console: console/src, shared/src). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(path) : s.mtimeMs);
  }
  return newest;
}

/** True when the built console is older than a source file (tests rebuild then; npm start only when missing). */
export function consoleBuildStale(): boolean {
  const index = join(out, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return [join(root, 'console'), join(root, 'shared', 'src'), join(root, 'angular.json')].some((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs) > built);
}

export const CONSOLE_DIST = out;

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--if-missing') && existsSync(join(out, 'index.html'))) process.exit(0);
  if (process.argv.includes('--if-stale') && !consoleBuildStale()) process.exit(0);
  build();
}
