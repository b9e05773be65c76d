// Progress in the terminal: one bar per user being imported, redrawn in
// place at most every 100 ms (ANSI cursor-up, ECMA-48 CUU), with the folder
// under way, items done of those listed, bytes and rate. When stderr is not
// a terminal, one plain line per finished folder instead.
import type { MigrationReport } from '../engine/report.ts';
import { formatBytes } from './report-text.ts';

export interface ProgressView {
  update(report: MigrationReport): void;
  done(report: MigrationReport): void;
}

const WIDTH = 24;

function bar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(WIDTH, Math.round((done / total) * WIDTH)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
}

export function terminalProgress(out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, now: () => number = Date.now): ProgressView {
  const started = now();
  let drawn = 0;
  let last = 0;
  const finished = new Set<string>();

  const lines = (report: MigrationReport): string[] => report.users
    .filter((u) => u.state === 'running' || u.state === 'waiting')
    .slice(0, 20)
    .map((u) => {
      const done = u.folders.reduce((n, f) => n + f.imported + f.skipped + f.failed, 0);
      const listed = u.folders.reduce((n, f) => n + Math.max(f.atSource, f.imported + f.skipped + f.failed), 0);
      const bytes = u.folders.reduce((n, f) => n + f.bytes, 0);
      const current = u.folders.find((f) => f.state === 'running');
      const rate = bytes / Math.max(1, (now() - started) / 1000);
      const text = `${u.target.padEnd(28).slice(0, 28)} ${bar(done, listed)} ${done}/${listed} ${formatBytes(bytes)} ${formatBytes(rate)}/s ${current ? current.source : u.state}`;
      return text.slice(0, Math.max(40, (out.columns ?? 120) - 1));
    });

  const plain = (report: MigrationReport) => {
    for (const u of report.users) {
      for (const f of u.folders) {
        const id = `${u.target}\u0000${f.source}`;
        if (finished.has(id) || f.state === 'waiting' || f.state === 'running') continue;
        finished.add(id);
        out.write(`${u.target}: ${f.source} → ${f.target ?? '-'}: ${f.state}, ${f.imported} imported, ${f.skipped} skipped, ${f.failed} failed\n`);
      }
    }
  };

  const draw = (report: MigrationReport) => {
    const next = lines(report);
    if (drawn > 0) out.write(`\x1b[${drawn}A`);
    for (const l of next) out.write(`\x1b[2K${l}\n`);
    for (let i = next.length; i < drawn; i++) out.write('\x1b[2K\n');
    if (drawn > next.length) out.write(`\x1b[${drawn - next.length}A`);
    drawn = next.length;
  };

  return {
    update(report) {
      if (!out.isTTY) {
        plain(report);
        return;
      }
      if (now() - last < 100) return;
      last = now();
      draw(report);
    },
    done(report) {
      if (out.isTTY) draw({ ...report, users: [] });
      else plain(report);
    },
  };
}
