// The final report as an operator reads it in the terminal: one block per
// user, one line per folder (at source, imported, skipped, failed, bytes,
// sample check), then the reasons of everything not imported.
import type { FolderReport, MigrationReport, UserReport } from '../engine/report.ts';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const reasons = (by: Partial<Record<string, number>>) => Object.entries(by).map(([k, v]) => `${k} ${v}`).join(', ');

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 || c === 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

function sample(f: FolderReport): string {
  if (f.sample.checked === 0) return '-';
  return f.sample.mismatched.length === 0 ? `${f.sample.matched}/${f.sample.checked} ok` : `${f.sample.mismatched.length} DIFFER`;
}

function userBlock(u: UserReport): string[] {
  const lines = [`${u.source} → ${u.target}  ${u.state.toUpperCase()}${u.accountCreated ? '  (account created)' : ''}`];
  if (u.error) lines.push(`  error: ${u.error}`);
  if (u.folders.length > 0) {
    const rows = [['  folder', 'target', 'source', 'imported', 'skipped', 'failed', 'bytes', 'sample']];
    for (const f of u.folders) {
      rows.push([`  ${f.source}`, f.target ?? `(${f.state})`, String(f.atSource), String(f.imported), String(f.skipped), String(f.failed), formatBytes(f.bytes), sample(f)]);
    }
    lines.push(...table(rows));
  }
  for (const f of u.folders) {
    const details: string[] = [];
    if (f.reason) details.push(`    ${f.state}: ${f.reason}`);
    for (const n of f.notes) details.push(`    note: ${n}`);
    if (Object.keys(f.skippedBy).length > 0) details.push(`    skipped: ${reasons(f.skippedBy)}`);
    if (Object.keys(f.failedBy).length > 0) details.push(`    failed: ${reasons(f.failedBy)}`);
    for (const p of f.problems) details.push(`    ${p.status} ${p.key}${p.label ? ` (${p.label})` : ''}: ${p.code}: ${p.detail}`);
    if (f.problemsOmitted > 0) details.push(`    … ${f.problemsOmitted} more`);
    if (f.sample.mismatched.length > 0) details.push(`    content differs after import: ${f.sample.mismatched.join(', ')}`);
    if (details.length > 0) lines.push(`  ${f.source}:`, ...details);
  }
  return lines;
}

export function renderReport(report: MigrationReport): string {
  const t = report.totals;
  const lines = [
    `Migration from ${report.source}${report.dryRun ? ' (dry run: nothing was written)' : ''}`,
    `started ${report.startedAt}, finished ${report.finishedAt ?? '-'}`,
    '',
  ];
  for (const u of report.users) lines.push(...userBlock(u), '');
  lines.push(`Total: ${t.atSource} at source, ${t.imported} ${report.dryRun ? 'to import' : 'imported'}, ${t.skipped} skipped, ${t.failed} failed, ${formatBytes(t.bytes)}`);
  lines.push(report.ok ? 'Result: OK' : 'Result: FAILED (see the reasons above)');
  return lines.join('\n');
}
