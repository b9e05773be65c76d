// RFC 4180 CSV as spreadsheets export it: fields separated by commas,
// records by CRLF or LF, fields in double quotes may hold commas, line
// breaks and "" for a quote. Pure: text in, records with their line numbers
// out, or an error naming the line. A UTF-8 byte order mark is ignored.

export interface CsvRecord {
  /** Line of the file where the record starts (1-based). */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
    this.line = line;
  }
}

/** Longest field accepted: a CSV of accounts has no reason for more. */
const MAX_FIELD = 64 * 1024;

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    // One record.
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new CsvError(start, 'a quoted field is not closed (missing ")');
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
          if (field.length > MAX_FIELD) throw new CsvError(start, `a field is longer than ${MAX_FIELD} characters`);
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw new CsvError(line, 'text after a closing quote (a quote inside a field must be doubled: "")');
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw new CsvError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
          field += text[i++];
          if (field.length > MAX_FIELD) throw new CsvError(start, `a field is longer than ${MAX_FIELD} characters`);
        }
      }
      fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      // End of record: CRLF, LF, a lone CR, or the end of the text.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    // Blank lines (a trailing newline, spacing in a hand-written file) are no records.
    if (fields.length === 1 && fields[0].trim() === '') continue;
    records.push({ line: start, fields });
  }
  return records;
}
