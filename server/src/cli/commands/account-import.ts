// stoa account import FILE [--dry-run]: accounts from a CSV file (RFC 4180,
// a header row naming the columns), created all or none through the
// directory service (AccountService.importMany), each audited as "cli".
// Malformed rows are reported with their line and nothing is imported.
import { readFile } from 'node:fs/promises';
import type { AccountCreate } from '../../../../shared/src/schemas/directory.ts';
import { CliFailure, UsageError, flagOpt, parseCount, parseSize, type Command } from '../command.ts';
import type { CliContext } from '../context.ts';
import { CsvError, parseCsv, type CsvRecord } from '../csv.ts';

const COLUMNS = ['address', 'name', 'password', 'quota-bytes', 'quota-messages', 'enabled', 'forward-to'] as const;
type Column = (typeof COLUMNS)[number];

interface RowProblem { line: number; address: string; code: string; message: string }

function parseEnabled(text: string): boolean {
  const v = text.trim().toLowerCase();
  if (v === '' || ['yes', 'true', '1', 'y'].includes(v)) return true;
  if (['no', 'false', '0', 'n'].includes(v)) return false;
  throw new UsageError(`enabled: expected yes or no (got "${text}")`);
}

/** A CSV record as an AccountCreate; UsageError for a value the column cannot take. */
function rowInput(columns: Column[], record: CsvRecord): AccountCreate {
  if (record.fields.length !== columns.length) throw new UsageError(`${record.fields.length} fields where the header has ${columns.length}`);
  const value = (c: Column): string | undefined => {
    const i = columns.indexOf(c);
    return i < 0 ? undefined : record.fields[i];
  };
  const address = value('address')?.trim() ?? '';
  if (address === '') throw new UsageError('address is empty');
  const input: AccountCreate = { address };
  const name = value('name');
  if (name) input.displayName = name.trim();
  // Passwords are taken as written: a leading or trailing space may be part of one.
  const password = value('password');
  if (password) input.password = password;
  const bytes = value('quota-bytes')?.trim();
  if (bytes) input.quotaBytes = parseSize(bytes, 'quota-bytes');
  const messages = value('quota-messages')?.trim();
  if (messages) input.quotaMessages = parseCount(messages, 'quota-messages');
  const enabled = value('enabled');
  if (enabled !== undefined && !parseEnabled(enabled)) input.enabled = false;
  const forward = value('forward-to')?.split(/[\s;]+/).filter((a) => a !== '') ?? [];
  if (forward.length > 0) input.forwardTo = forward;
  return input;
}

function headerColumns(header: CsvRecord): Column[] {
  const columns = header.fields.map((f) => f.trim().toLowerCase().replace(/[ _]/g, '-'));
  for (const c of columns) {
    if (!(COLUMNS as readonly string[]).includes(c)) throw new CliFailure(`line ${header.line}: unknown column "${c}"; the columns are ${COLUMNS.join(', ')}`);
  }
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup) throw new CliFailure(`line ${header.line}: the column "${dup}" appears twice`);
  if (!columns.includes('address')) throw new CliFailure(`line ${header.line}: the header has no "address" column (the first line must name the columns: ${COLUMNS.join(', ')})`);
  return columns as Column[];
}

async function readSource(ctx: CliContext, file: string): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new CliFailure(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
  }
  let text = '';
  for await (const chunk of ctx.io.stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

function render(problems: RowProblem[]): string {
  return problems.map((p) => `  line ${p.line}${p.address ? ` (${p.address})` : ''}: ${p.message} (${p.code})`).join('\n');
}

export const importCommand: Command = {
  name: 'import', summary: 'add many accounts from a CSV file, all or none', usage: 'FILE [--dry-run]', positionals: 1,
  options: { 'dry-run': { type: 'boolean' } },
  details: [
    'FILE is CSV (RFC 4180) with a header row naming the columns, in any order:',
    `  ${COLUMNS.join(', ')}`,
    'Only address is required. password empty: the account cannot log in until `stoa account passwd`;',
    'quota-bytes as 500M, 2G or 0 (unlimited; empty: the domain default); enabled yes or no;',
    'forward-to: addresses separated by spaces or ";". FILE "-" reads stdin.',
    'Every row is checked first; if any fails, nothing is created and every problem is listed.',
    '--dry-run             check every row and report, changing nothing',
    'The file holds passwords: keep it private and delete it afterwards.',
  ],
  async run(ctx, { positionals, values }) {
    const dryRun = flagOpt(values, 'dry-run') === true;
    let records: CsvRecord[];
    try {
      records = parseCsv(await readSource(ctx, positionals[0]));
    } catch (err) {
      if (err instanceof CsvError) throw new CliFailure(`${positionals[0]}: ${err.message}; nothing was imported`);
      throw err;
    }
    if (records.length === 0) throw new CliFailure(`${positionals[0]} is empty: the first line must name the columns (${COLUMNS.join(', ')})`);
    const columns = headerColumns(records[0]);
    const rows = records.slice(1);
    const problems: RowProblem[] = [];
    const inputs: AccountCreate[] = [];
    const lines: number[] = [];
    for (const record of rows) {
      try {
        inputs.push(rowInput(columns, record));
        lines.push(record.line);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        const i = columns.indexOf('address');
        problems.push({ line: record.line, address: record.fields[i]?.trim() ?? '', code: 'STOA_VALIDATION', message: err.message });
      }
    }
    const { directory } = await ctx.open();
    // Rows the file could not express are already failures: the service still checks the others, so one run lists every problem.
    const result = await directory.accounts.importMany(ctx.actor, inputs, { dryRun: dryRun || problems.length > 0 });
    for (const e of result.errors) problems.push({ line: lines[e.index], address: e.address, code: e.code, message: e.message });
    problems.sort((a, b) => a.line - b.line);
    const report = {
      dryRun, rows: rows.length,
      valid: result.valid.map((v) => ({ line: lines[v.index], address: v.address })),
      created: result.created.map((a) => a.address),
      errors: problems,
    };
    if (problems.length > 0) {
      if (ctx.json) ctx.out(JSON.stringify(report, null, 2));
      else ctx.err(`${problems.length} of ${rows.length} row${rows.length === 1 ? '' : 's'} cannot be imported:\n${render(problems)}`);
      throw new CliFailure(`nothing was imported${dryRun ? ' (dry run)' : ''}; fix the rows above and run it again`);
    }
    ctx.emit(report, () => (dryRun
      ? `Dry run: all ${rows.length} rows are valid; ${result.valid.length} accounts would be created. Nothing was changed.`
      : `Imported ${result.created.length} accounts: ${result.created.map((a) => a.address).join(', ')}.`));
    return 0;
  },
};
