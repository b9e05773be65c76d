// CPU time and memory of a server's whole process tree, read from /proc, for
// benchmarks that compare a single-process server (Stoa) with a
// multi-process one (Postfix's master and the smtpd, cleanup, qmgr,
// trivial-rewrite and virtual children it forks, reuses and retires).
//
// CPU: for every process of the tree, utime + stime (its own time so far)
// + cutime + cstime (the time of the children it has waited for). A child
// that exits between two readings is counted through its parent's cutime
// and cstime, so the difference of two readings is the work the tree did in
// between, including the processes that lived and died inside the interval
// (proc(5): cutime counts only waited-for children; the Postfix master reaps
// its children). Linux reports clock ticks of 10 ms (USER_HZ = 100).
//
// Memory: the sum of VmRSS over the tree. Pages shared between processes
// (the C library, Postfix's shared libraries, the master's pages after fork)
// count once per process that maps them, so for a multi-process server this
// overstates what the machine pays; PSS (smaps_rollup), which splits each
// shared page between its users, is given beside it.
//
// Every function takes one root or several (a stack of servers that are not
// one another's children, e.g. Postfix, rspamd and Dovecot): the trees are
// summed, each process once.
import { readdirSync, readFileSync } from 'node:fs';

interface Stat { ppid: number; ticks: number }

function stat(pid: number): Stat | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // Fields after the name: state ppid … utime(12) stime(13) cutime(14) cstime(15), 1-based from state.
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null; // Gone meanwhile.
  }
}

/** One server's root pid, or the roots of several servers measured together. */
export type Roots = number | readonly number[];

/** The pids of `root` (or of each root) and all their descendants alive now, each once. */
export function processTree(root: Roots): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (!s) continue;
    (children.get(s.ppid) ?? children.set(s.ppid, []).get(s.ppid)!).push(Number(name));
  }
  const out = new Set<number>();
  const stack = typeof root === 'number' ? [root] : [...root];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (out.has(p)) continue;
    out.add(p);
    stack.push(...(children.get(p) ?? []));
  }
  return [...out];
}

/** User + system CPU of the tree so far, reaped children included, in ms. */
export function treeCpuMs(root: Roots): number {
  return processTree(root).reduce((sum, pid) => sum + (stat(pid)?.ticks ?? 0), 0) * 10;
}

function kib(path: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(path, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface TreeMemory { processes: number; rssMiB: number; pssMiB: number }

/** Resident memory of the tree now: the sum of VmRSS, and of PSS. */
export function treeMemory(root: Roots): TreeMemory {
  const pids = processTree(root);
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kib(`/proc/${pid}/status`, 'VmRSS');
    pss += kib(`/proc/${pid}/smaps_rollup`, 'Pss');
  }
  return { processes: pids.length, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}

/** Samples treeMemory every `everyMs` until stopped; returns the highest sums seen (RSS and PSS each at its own peak). */
export function sampleTreeMemory(root: Roots, everyMs = 250): { stop(): TreeMemory } {
  const peak: TreeMemory = { processes: 0, rssMiB: 0, pssMiB: 0 };
  const take = (): void => {
    const m = treeMemory(root);
    peak.processes = Math.max(peak.processes, m.processes);
    peak.rssMiB = Math.max(peak.rssMiB, m.rssMiB);
    peak.pssMiB = Math.max(peak.pssMiB, m.pssMiB);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
