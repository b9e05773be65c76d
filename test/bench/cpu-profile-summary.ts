// Summarises a V8 CPU profile (node --cpu-prof, e.g. from
// `test/bench/smtp/run.ts --profile DIR`): the functions with the most self
// time and the most total time (self plus callees, each function counted once
// per sample even when it recurses), in ms and per cent of the busy time.
// --last A[,B] keeps only the samples from A seconds before the profile's end
// up to B seconds before it (a benchmark phase; its set-up left out);
// --callers TEXT adds the self time of functions matching TEXT split by the
// function that called them (which SQL statement path, which write).
//   node test/bench/cpu-profile-summary.ts FILE.cpuprofile [--top N] [--filter TEXT] [--last A[,B]] [--callers TEXT]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '40' }, filter: { type: 'string' }, last: { type: 'string' }, callers: { type: 'string' } },
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const top = Number(values.top);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^.*\/(node_modules\/|server\/src\/)/, '$1');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

// Sample i happened at startTime + the sum of timeDeltas[0..i] (µs).
const at: number[] = [];
let clock = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) at.push(clock += profile.timeDeltas[i] ?? 0);
const [fromEnd, toEnd] = (values.last ?? '').split(',').map(Number);
const windowStart = values.last ? profile.endTime - fromEnd * 1e6 : -Infinity;
const windowEnd = values.last && toEnd ? profile.endTime - toEnd * 1e6 : Infinity;

const callers = new Map<string, number>();
const self = new Map<string, number>();
const total = new Map<string, number>();
let busy = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (at[i] < windowStart || at[i] > windowEnd) continue;
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const leaf = byId.get(profile.samples[i])!;
  if (values.callers && label(leaf).includes(values.callers)) {
    // The nearest caller outside the matched function and node internals.
    let id = parent.get(leaf.id);
    while (id !== undefined && (label(byId.get(id)!).includes(values.callers) || !byId.get(id)!.callFrame.url.includes('/server/src/'))) id = parent.get(id);
    const by = id === undefined ? '(none)' : label(byId.get(id)!);
    callers.set(by, (callers.get(by) ?? 0) + dt);
  }
  if (leaf.callFrame.functionName === '(idle)') {
    idle += dt;
    continue;
  }
  busy += dt;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
}

function print(title: string, m: Map<string, number>): void {
  console.log(`\n${title}`);
  const rows = [...m].filter(([l]) => !values.filter || l.includes(values.filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [l, ms] of rows) console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${l}`);
}

console.log(`busy ${busy.toFixed(0)} ms, idle ${idle.toFixed(0)} ms`);
print('self time', self);
print('total time', total);
if (values.callers) print(`self time of ${values.callers}, by caller`, callers);
