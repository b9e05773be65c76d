// Migration benchmark entry (issue 15): see import-bench.ts for what it
// measures. Like bin/stoa.js, it sizes libuv's threadpool before anything
// uses it: blob writes and their fsyncs run there, and `stoa migrate` runs
// with 16 threads.
//   node test/bench/migration/run.ts [--messages N] [--keep]
process.env.UV_THREADPOOL_SIZE ??= '16';
await import('./import-bench.ts');
