// RFC 4180 CSV, as Outlook, Excel and LibreOffice write it: quoted fields
// with doubled quotes and line breaks inside, CRLF or LF, a UTF-8 BOM, and
// the ";" Excel uses in locales with a decimal comma (detected from the
// header line). Bounded: at most MAX_FIELDS per row and MAX_FIELD characters
// per field.

export const MAX_FIELDS = 500;
export const MAX_FIELD = 64 * 1024;

export class CsvError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
    this.line = line;
  }
}

function detectDelimiter(text: string): string {
  const first = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => first.split(c).length - 1;
  return count(';') > count(',') && count(';') > count('\t') ? ';' : count('\t') > count(',') ? '\t' : ',';
}

/** Rows of fields; each row with the line number it started on. */
export function parseCsv(input: string, delimiter?: string): { line: number; fields: string[] }[] {
  const text = input.replace(/^\uFEFF/, '');
  const sep = delimiter ?? detectDelimiter(text);
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let fieldStart = true;
  const endField = () => {
    if (fields.length >= MAX_FIELDS) throw new CsvError(`more than ${MAX_FIELDS} fields`, rowLine);
    fields.push(field);
    field = '';
    fieldStart = true;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === sep) {
      endField();
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += c;
      fieldStart = false;
    }
    if (field.length > MAX_FIELD) throw new CsvError(`a field is longer than ${MAX_FIELD} characters`, rowLine);
  }
  if (quoted) throw new CsvError('a quoted field is not closed', rowLine);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

/** Rows as objects keyed by the header line's names (trimmed, lower case). */
export function parseCsvRecords(input: string): { line: number; record: Map<string, string> }[] {
  const rows = parseCsv(input);
  if (rows.length === 0) return [];
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  return rows.slice(1).map(({ line, fields }) => ({
    line,
    record: new Map(header.map((h, i) => [h, (fields[i] ?? '').trim()])),
  }));
}
