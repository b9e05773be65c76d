#!/usr/bin/env node
// The `stoa` command. Plain JavaScript that any Node can parse, so an old
// Node gets a clear message instead of a syntax error from TypeScript.
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
// itself once with it set (same pid, same arguments; musl ignores it).
if (process.platform === 'linux' && process.argv.slice(2).includes('serve') && process.env.MALLOC_MMAP_THRESHOLD_ === undefined && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_MMAP_THRESHOLD_: String(4 * 1024 * 1024) });
}
const { main } = await import('../server/src/cli/main.ts');
await main();
