// Writing iCalendar (RFC 5545) and vCard (RFC 6350) content lines for the
// objects the importer builds itself (EWS, PST, Outlook CSV): text escaping
// (RFC 5545 §3.3.11, RFC 6350 §3.4), parameter quoting (RFC 5545 §3.2) and
// folding at 75 octets without splitting a UTF-8 sequence (RFC 5545 §3.1).

/** TEXT value: backslash, semicolon, comma and newlines escaped. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value, quoted when it holds ":", ";" or "," (RFC 5545 §3.2); DQUOTE itself cannot appear. */
export function paramValue(value: string): string {
  const clean = value.replace(/["\r\n]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** Folds one unfolded line to 75-octet lines joined by CRLF + space. */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Never cut inside a UTF-8 sequence: back up to a lead byte.
    while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // continuation lines start with one space
  }
  return parts.join('\r\n ');
}

export type Params = Record<string, string | undefined>;

/** Collects content lines; `toString()` folds them and ends each with CRLF. */
export class ContentLines {
  readonly #lines: string[] = [];

  /** NAME;PARAMS:value, with `value` already in its wire form. */
  raw(name: string, value: string, params: Params = {}): this {
    const p = Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `;${k}=${paramValue(v!)}`).join('');
    this.#lines.push(`${name}${p}:${value}`);
    return this;
  }

  /** A TEXT property, escaped; nothing when the value is empty. */
  text(name: string, value: string | null | undefined, params: Params = {}): this {
    if (value === null || value === undefined || value === '') return this;
    return this.raw(name, escapeText(value), params);
  }

  begin(component: string): this {
    this.#lines.push(`BEGIN:${component}`);
    return this;
  }

  end(component: string): this {
    this.#lines.push(`END:${component}`);
    return this;
  }

  append(other: ContentLines): this {
    this.#lines.push(...other.#lines);
    return this;
  }

  toString(): string {
    return this.#lines.map(foldLine).join('\r\n') + '\r\n';
  }
}

/** 2024-03-01T09:30:00.000Z → 20240301T093000Z (RFC 5545 §3.3.5 form #2, UTC). */
export function utcStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/** A DATE value (RFC 5545 §3.3.4) of the UTC calendar day. */
export function dateStamp(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}
