// Idle memory of `stoa serve` (issue 8: idle RSS ≤ 150 MiB): starts the
// server the way the SMTP benchmark does (test/bench/smtp/run.ts: demo
// accounts, first start on an empty SQLite data directory, DNS pointed at
// nothing), waits a second after the banner as that benchmark does, and
// prints the RSS and PSS of the server's process tree, how much of the RSS
// is anonymous memory (heap, code, malloc) and how much mapped files (the
// node binary, shared libraries), per start and as a median. The load
// average is printed beside each start. Asserts nothing.
//
// --modules starts the server once more with a loader hook (--import) that
// records every module loaded and its source size, and prints how many were
// loaded by the banner, their total size, and the largest packages. The hook
// itself costs memory, so that start is not one of the measured ones.
//   node test/bench/start/idle-memory.ts [--runs N] [--modules] [--top N]
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, tempDir } from '../../cli/run-stoa.ts';
import { startBenchStoa } from '../smtp/bench-stoa.ts';
import { processTree, treeMemory } from '../process-tree.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    modules: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
  },
});

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

function kib(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** RssAnon / RssFile over the tree, MiB. */
function rssParts(root: number): { anon: number; file: number } {
  let anon = 0;
  let file = 0;
  for (const pid of processTree(root)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      anon += kib(status, 'RssAnon');
      file += kib(status, 'RssFile') + kib(status, 'RssShmem');
    } catch {
      // Gone meanwhile.
    }
  }
  return { anon: anon / 1024, file: file / 1024 };
}

/** One start as the SMTP benchmark's; `measure` runs a second after the banner. */
async function withServer<T>(extraEnv: Record<string, string>, measure: (pid: number, root: string) => T | Promise<T>): Promise<T> {
  const root = tempDir('idle-memory');
  try {
    const { served, pid } = await startBenchStoa(root.path, extraEnv);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      return await measure(pid, root.path);
    } finally {
      await served.stop();
    }
  } finally {
    root.cleanup();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const runs = Number(args.runs);
const rss: number[] = [];
const pss: number[] = [];
console.log('| start | RSS, MiB | PSS, MiB | anonymous, MiB | files, MiB | processes | load average |');
console.log('|---|---|---|---|---|---|---|');
for (let i = 0; i < runs; i++) {
  const before = load();
  const m = await withServer({}, (pid) => ({ ...treeMemory(pid), ...rssParts(pid) }));
  rss.push(m.rssMiB);
  pss.push(m.pssMiB);
  console.log(`| ${i + 1} | ${m.rssMiB.toFixed(0)} | ${m.pssMiB.toFixed(0)} | ${m.anon.toFixed(0)} | ${m.file.toFixed(0)} | ${m.processes} | ${before} → ${load()} |`);
}
if (runs > 0) console.log(`\nmedian of ${runs}: RSS ${median(rss).toFixed(0)} MiB, PSS ${median(pss).toFixed(0)} MiB`);

if (args.modules) {
  const hook = `
    import { registerHooks } from 'node:module';
    import { writeFileSync } from 'node:fs';
    import v8 from 'node:v8';
    const loaded = new Map();
    registerHooks({ load(url, ctx, next) {
      const r = next(url, ctx);
      const text = r.source == null ? '' : typeof r.source === 'string' ? r.source : Buffer.from(r.source).toString('utf8');
      // V8 keeps a source with any character past U+00FF as two bytes a character.
      loaded.set(url, [text.length, /[^\\u0000-\\u00ff]/.test(text)]);
      return r;
    } });
    process.on('SIGUSR2', () => writeFileSync(process.env.STOA_MODULE_REPORT, JSON.stringify({ modules: [...loaded], memory: process.memoryUsage(), spaces: v8.getHeapSpaceStatistics(), heap: v8.getHeapStatistics() })));
  `;
  interface Report {
    modules: [string, [number, boolean]][];
    memory: NodeJS.MemoryUsage;
    spaces: { space_name: string; space_size: number; space_used_size: number }[];
    heap: { malloced_memory: number; peak_malloced_memory: number; total_global_handles_size: number };
  }
  const report = await (async () => {
    const dir = tempDir('idle-modules');
    try {
      const file = join(dir.path, 'modules.json');
      const hookFile = join(dir.path, 'hook.mjs');
      writeFileSync(hookFile, hook);
      return await withServer({ NODE_OPTIONS: `--import ${hookFile}`, STOA_MODULE_REPORT: file }, async (pid) => {
        process.kill(pid, 'SIGUSR2');
        for (let t = 0; t < 100; t++) {
          try {
            return JSON.parse(readFileSync(file, 'utf8')) as Report;
          } catch {
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        throw new Error('no module report');
      });
    } finally {
      dir.cleanup();
    }
  })();
  const mib = (n: number): string => (n / 1048576).toFixed(1);
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = report.memory;
  console.log(`\nwith the hook: RSS ${mib(rss)} MiB; V8 heap ${mib(heapUsed)} used of ${mib(heapTotal)} MiB; external ${mib(external)} MiB (array buffers ${mib(arrayBuffers)})`);
  console.log(`malloced by V8 ${mib(report.heap.malloced_memory)} MiB (peak ${mib(report.heap.peak_malloced_memory)}); code and metadata ${mib(report.heap.total_global_handles_size)} MiB global handles`);
  console.log('\n| V8 space | used, MiB | committed, MiB |\n|---|---|---|');
  for (const s of report.spaces) console.log(`| ${s.space_name} | ${mib(s.space_used_size)} | ${mib(s.space_size)} |`);
  const out = report.modules;
  const heapBytes = ([chars, wide]: [number, boolean]): number => chars * (wide ? 2 : 1);
  const total = out.reduce((s, [, n]) => s + heapBytes(n), 0);
  const wide = out.filter(([, n]) => n[1]);
  console.log(`\nmodules loaded by the banner: ${out.length}, ${mib(total)} MiB of source text in the heap (${wide.length} modules kept as two bytes a character, ${mib(wide.reduce((s, [, n]) => s + heapBytes(n), 0))} MiB)`);
  const byPackage = new Map<string, { count: number; bytes: number }>();
  for (const [url, n] of out) {
    const bytes = heapBytes(n);
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const key = m ? m[1] : url.startsWith('node:') ? '(node builtins)' : url.includes('/server/src/') ? `server/src/${url.split('/server/src/')[1].split('/')[0]}` : url.replace(`file://${REPO}/`, '');
    const e = byPackage.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += bytes;
    byPackage.set(key, e);
  }
  console.log('\n| package or folder | modules | source in the heap, KiB |\n|---|---|---|');
  for (const [k, e] of [...byPackage].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(args.top))) {
    console.log(`| ${k} | ${e.count} | ${(e.bytes / 1024).toFixed(0)} |`);
  }
  console.log('\n| module | source in the heap, KiB | two bytes a character |\n|---|---|---|');
  for (const [url, n] of [...out].sort((a, b) => heapBytes(b[1]) - heapBytes(a[1])).slice(0, Number(args.top))) {
    console.log(`| ${url.replace(`file://${REPO}/`, '')} | ${(heapBytes(n) / 1024).toFixed(0)} | ${n[1] ? 'yes' : ''} |`);
  }
}
