#!/usr/bin/env node
// The `stoa` command. Plain JavaScript that any Node can parse, so an old
// Node gets a clear message instead of a syntax error from TypeScript.
import { mkdirSync, statSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Stoa needs Node.js 24 (this is Node.js ${process.versions.node}); run it through npm start / npx stoa, which use the Node 24 installed in node_modules\n`,
  );
  process.exit(1);
}
// Blob writes, their fsyncs and the WAL fsync of the group commit run on the
// libuv threadpool (4 threads by default): with several deliveries under way
// each fsync would queue behind the others. Read by libuv at its first use of
// the pool, which has not happened yet here.
process.env.UV_THREADPOOL_SIZE ??= '16';

// Node's compile cache keeps the type-stripped and compiled form of every
// module, which halves the CPU a CLI command spends starting (issue 16 item
// 18, docs/benchmarks.md). It lives in this user's own cache directory, never
// in a shared /tmp where another local user could plant code; a cache that
// cannot be made private is not used. NODE_COMPILE_CACHE (a directory) and
// NODE_DISABLE_COMPILE_CACHE=1 keep their usual meaning.
if (!process.env.NODE_COMPILE_CACHE && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stoa', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = statSync(dir);
    if (info.uid === process.getuid?.() && (info.mode & 0o022) === 0) enableCompileCache(dir);
  } catch {
    // No home directory (a system user), or a read-only one: start without the cache.
  }
}
const { main } = await import('../server/src/cli/main.ts');
await main();
