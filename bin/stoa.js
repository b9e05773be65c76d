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
const { main } = await import('../server/src/cli/main.ts');
await main();
