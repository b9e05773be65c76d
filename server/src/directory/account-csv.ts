// CSV files of accounts for bulk import (RFC 4180: comma-separated,
// double-quoted fields with "" for a quote, CRLF or LF line ends). The first
// line names the columns; `address` is required, the others optional. Pure:
// text in, rows or a file-level error out.
import type { AccountCreate } from '../../../shared/src/schemas/directory.ts';

export const ACCOUNT_CSV_COLUMNS = ['address', 'displayName', 'password', 'quotaBytes', 'quotaMessages', 'enabled', 'forwardTo', 'keepForwardedCopy'] as const;
export type AccountCsvColumn = typeof ACCOUNT_CSV_COLUMNS[number];

/** A file may hold at most this many accounts; larger imports are split by the admin. */
export const MAX_IMPORT_ROWS = 10_000;

export interface CsvRow {
  /** 1-based line number in the file of the row's first line. */
  line: number;
  input: Partial<AccountCreate> & Record<string, unknown>;
  /** Problems found while reading the row's cells (bad number, bad boolean). */
  errors: Array<{ field: string; message: string }>;
}

export type CsvResult = { ok: true; rows: CsvRow[] } | { ok: false; error: string };

/** Splits RFC 4180 records; returns null for an unterminated quote. */
export function parseCsvRecords(text: string): Array<{ line: number; cells: string[] }> | null {
  const out: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark from spreadsheet exports
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0].trim() === '')) out.push({ line: startLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      cell += ch;
    }
  }
  if (quoted) return null;
  if (cell !== '' || cells.length > 0) endRecord();
  return out;
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

function parseByteCount(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : null;
}

function parseBool(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', '1', 'y'].includes(t)) return true;
  if (['false', 'no', '0', 'n'].includes(t)) return false;
  return null;
}

export function parseAccountCsv(text: string): CsvResult {
  const records = parseCsvRecords(text);
  if (!records) return { ok: false, error: 'A quoted field is not closed' };
  if (records.length === 0) return { ok: false, error: 'The file is empty' };
  const header = records[0].cells.map((c) => c.trim());
  const columns: AccountCsvColumn[] = [];
  for (const name of header) {
    const col = ACCOUNT_CSV_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!col) return { ok: false, error: `Unknown column "${name}" on line 1; allowed: ${ACCOUNT_CSV_COLUMNS.join(', ')}` };
    if (columns.includes(col)) return { ok: false, error: `Column "${col}" appears twice` };
    columns.push(col);
  }
  if (!columns.includes('address')) return { ok: false, error: 'The first line must name the columns and include "address"' };
  if (records.length - 1 > MAX_IMPORT_ROWS) return { ok: false, error: `At most ${MAX_IMPORT_ROWS} accounts per file (this one has ${records.length - 1})` };

  const rows = records.slice(1).map(({ line, cells }): CsvRow => {
    const input: CsvRow['input'] = {};
    const errors: CsvRow['errors'] = [];
    if (cells.length > columns.length) errors.push({ field: 'row', message: `has ${cells.length} fields, the header names ${columns.length}` });
    columns.forEach((col, i) => {
      const raw = cells[i] ?? '';
      const value = col === 'password' ? raw : raw.trim();
      if (value === '') return;
      switch (col) {
        case 'quotaBytes': {
          const n = parseByteCount(value);
          if (n === null) errors.push({ field: col, message: `"${value}" is not a size (e.g. 5368709120 or 5 GiB)` }); else input[col] = n;
          break;
        }
        case 'quotaMessages': {
          if (!/^\d+$/.test(value)) errors.push({ field: col, message: `"${value}" is not a whole number` }); else input[col] = Number(value);
          break;
        }
        case 'enabled': case 'keepForwardedCopy': {
          const b = parseBool(value);
          if (b === null) errors.push({ field: col, message: `"${value}" is not yes/no` }); else input[col] = b;
          break;
        }
        case 'forwardTo':
          input[col] = value.split(/[\s;]+/).filter(Boolean);
          break;
        default:
          input[col] = value;
      }
    });
    return { line, input, errors };
  });
  return { ok: true, rows };
}
