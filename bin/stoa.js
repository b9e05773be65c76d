#!/usr/bin/env node
// The `stoa` command. Plain JavaScript that any Node can parse, so an old
// Node gets a clear message instead of a syntax error from TypeScript.
import { mkdirSync, statSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { availableParallelism, homedir } from 'node:os';
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
// glibc keeps large freed blocks for reuse once it has seen one freed, in
// the arena of the thread that freed it: each argon2id hash (19 MiB, on any
// of those 16 threads) then stays resident, 300-400 MB after a burst of
// logins. A fixed mmap threshold makes blocks of 4 MiB and more go back to
// the system when freed. glibc reads it only at start, so `serve` re-executes
// itself once with it set (same pid, same arguments; musl ignores it), and
// with one malloc arena per core (at least two) instead of glibc's eight per
// core: SQLite, the message buffers and the threadpool then share their free
// blocks, about 12 MB less at the peak of 50 SMTP sessions of 100 KiB
// messages on two cores at the same CPU (docs/benchmarks.md).
// The same start gets V8 a young generation of 2 × 8 MiB: V8 sizes it from
// the machine's memory (2 × 32 MiB with 24 GiB), which is 48 MB of resident
// memory a mail server's short-lived garbage does not need. And the old
// generation may grow to 1.5 × what the last full GC left alive before the
// next one (V8 picks up to 4 × under load): the live heap of a busy server
// is ~60 MB, and the rest was resident garbage. An operator's own flags
// (arguments or NODE_OPTIONS) win.
if (process.platform === 'linux' && process.argv.slice(2).includes('serve') && process.env.MALLOC_MMAP_THRESHOLD_ === undefined && typeof process.execve === 'function') {
  const own = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  const v8 = [
    ...(own.includes('--max-semi-space-size') ? [] : ['--max-semi-space-size=8']),
    ...(own.includes('--heap-growing-percent') ? [] : ['--heap-growing-percent=50']),
  ];
  process.execve(process.execPath, [process.execPath, ...v8, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_MMAP_THRESHOLD_: String(4 * 1024 * 1024), MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? String(Math.max(2, availableParallelism())) });
}

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
