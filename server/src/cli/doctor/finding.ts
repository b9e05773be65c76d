// What a doctor check reports: one finding per thing checked, with a level
// and, for problems, the exact change that fixes them.

export type Level = 'ok' | 'warn' | 'error';

export interface Finding {
  /** Section the finding belongs to: "config", "store", "listener http", "dns example.com". */
  section: string;
  level: Level;
  message: string;
  /** What to do about it, e.g. the DNS record to publish. */
  fix?: string;
}

const MARK: Record<Level, string> = { ok: 'ok   ', warn: 'WARN ', error: 'ERROR' };

export function renderFindings(findings: readonly Finding[]): string {
  const lines: string[] = [];
  let section = '';
  for (const f of findings) {
    if (f.section !== section) {
      section = f.section;
      lines.push('', `${section}:`);
    }
    lines.push(`  ${MARK[f.level]} ${f.message}`);
    if (f.fix) lines.push(...f.fix.split('\n').map((l) => `          ${l}`));
  }
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.filter((f) => f.level === 'warn').length;
  lines.push('', errors === 0 && warnings === 0 ? 'Everything checked is fine.'
    : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  return lines.join('\n').replace(/^\n/, '');
}
