// Sieve lexical analysis (RFC 5228 §8.1): identifiers, tags, numbers with
// K/M/G quantifiers, quoted strings and "text:" multi-line strings, the
// punctuation of §8.2, hash and bracket comments. Every token carries the
// line and column where it starts, so every later error can point at it.
// The lexer is a single forward scan with no regular expression that can
// backtrack; it never throws except SieveSyntaxError.
import { SieveSyntaxError } from './errors.ts';

export type TokenKind =
  | 'identifier' | 'tag' | 'number' | 'string'
  | '[' | ']' | '(' | ')' | '{' | '}' | ',' | ';' | 'eof';

export interface Position {
  /** 1-based line and column (columns count UTF-16 code units, as editors mostly do). */
  line: number;
  column: number;
}

export interface Token extends Position {
  kind: TokenKind;
  /** identifier and tag: the name, lower case (identifiers are case-insensitive); string: the decoded value. */
  text: string;
  /** number: its value with the quantifier applied. */
  value: number;
  /** string: it was a "text:" multi-line string (RFC 5228 §2.4.2). */
  multiline: boolean;
}

/** RFC 5228 §2.4.1: K = 2^10, M = 2^20, G = 2^30. */
const QUANTIFIERS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isIdentChar = (c: number): boolean => isAlpha(c) || isDigit(c) || c === 0x5f;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = source.length;
  const pos = (at: number): Position => ({ line, column: at - lineStart + 1 });
  const fail = (message: string, at: number = i): never => {
    throw new SieveSyntaxError(message, pos(at));
  };
  /** Consumes a line break at i (CRLF, or a lone LF/CR, which real scripts use) and counts the line. */
  const newline = (): boolean => {
    const c = source.charCodeAt(i);
    if (c === 0x0d) {
      i += source.charCodeAt(i + 1) === 0x0a ? 2 : 1;
    } else if (c === 0x0a) {
      i += 1;
    } else {
      return false;
    }
    line += 1;
    lineStart = i;
    return true;
  };
  const push = (kind: TokenKind, start: Position, text = '', value = 0, multiline = false): void => {
    tokens.push({ kind, text, value, multiline, ...start });
  };

  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (newline()) continue;
    const start = pos(i);
    if (c === 0x23) {
      // RFC 5228 §2.3: hash comment to the end of the line.
      while (i < n && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
      continue;
    }
    if (c === 0x2f && source.charCodeAt(i + 1) === 0x2a) {
      // Bracketed comment; they do not nest (RFC 5228 §2.3).
      i += 2;
      for (;;) {
        if (i >= n) throw new SieveSyntaxError('unterminated /* comment', start);
        if (source.charCodeAt(i) === 0x2a && source.charCodeAt(i + 1) === 0x2f) {
          i += 2;
          break;
        }
        if (!newline()) i++;
      }
      continue;
    }
    if ('[](){},;'.includes(source[i])) {
      push(source[i] as TokenKind, start);
      i++;
      continue;
    }
    if (c === 0x3a) {
      // ":" identifier
      i++;
      const s = i;
      if (!(isAlpha(source.charCodeAt(i)) || source.charCodeAt(i) === 0x5f)) fail('":" must be followed by a tag name', s - 1);
      while (i < n && isIdentChar(source.charCodeAt(i))) i++;
      push('tag', start, source.slice(s, i).toLowerCase());
      continue;
    }
    if (isDigit(c)) {
      const s = i;
      while (i < n && isDigit(source.charCodeAt(i))) i++;
      let value = Number(source.slice(s, i));
      const q = source[i]?.toLowerCase();
      if (q !== undefined && q in QUANTIFIERS) {
        value *= QUANTIFIERS[q];
        i++;
      }
      if (i < n && isIdentChar(source.charCodeAt(i))) fail('a number must not run into a name', i);
      // RFC 5228 §2.4.1: at least 2^31 must work; beyond exact integers is an error, not a silent rounding.
      if (!Number.isSafeInteger(value)) fail('number too large', s);
      push('number', start, source.slice(s, i), value);
      continue;
    }
    if (isAlpha(c) || c === 0x5f) {
      const s = i;
      while (i < n && isIdentChar(source.charCodeAt(i))) i++;
      const name = source.slice(s, i).toLowerCase();
      if (name === 'text' && source[i] === ':') {
        i++;
        push('string', start, readMultiline(start), 0, true);
        continue;
      }
      push('identifier', start, name);
      continue;
    }
    if (c === 0x22) {
      i++;
      push('string', start, readQuoted(start));
      continue;
    }
    fail(`unexpected character ${JSON.stringify(source[i])}`);
  }
  push('eof', pos(i));
  return tokens;

  /** RFC 5228 §2.4.2: "\\" and "\"" are escapes; any other backslash is dropped. */
  function readQuoted(start: Position): string {
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= n) throw new SieveSyntaxError('unterminated string', start);
      const ch = source.charCodeAt(i);
      if (ch === 0x22) {
        out += source.slice(chunk, i);
        i++;
        return out;
      }
      if (ch === 0x5c) {
        out += source.slice(chunk, i);
        i++;
        if (i >= n) throw new SieveSyntaxError('unterminated string', start);
        if (newline()) {
          out += source[i - 1] === '\n' && source[i - 2] === '\r' ? '\r\n' : source[i - 1];
        } else {
          out += source[i];
          i++;
        }
        chunk = i;
        continue;
      }
      if (ch === 0x0d || ch === 0x0a) {
        out += source.slice(chunk, i);
        const s = i;
        newline();
        out += source.slice(s, i);
        chunk = i;
        continue;
      }
      i++;
    }
  }

  /**
   * RFC 5228 §2.4.2 multi-line string: "text:" [blanks] [hash-comment] CRLF,
   * then lines up to a line holding only "."; a leading "." of a line is
   * dot-stuffing and is removed. Lines end in CRLF in the value.
   */
  function readMultiline(start: Position): string {
    while (i < n && (source.charCodeAt(i) === 0x20 || source.charCodeAt(i) === 0x09)) i++;
    if (source[i] === '#') while (i < n && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
    if (!newline()) fail('"text:" must be followed by the end of the line');
    const lines: string[] = [];
    for (;;) {
      if (i >= n) throw new SieveSyntaxError('unterminated "text:" string (no line with a single ".")', start);
      const s = i;
      while (i < n && source.charCodeAt(i) !== 0x0a && source.charCodeAt(i) !== 0x0d) i++;
      const text = source.slice(s, i);
      const ended = newline();
      if (text === '.' && (ended || i >= n)) return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
      lines.push(text.startsWith('.') ? text.slice(1) : text);
      if (!ended) throw new SieveSyntaxError('unterminated "text:" string (no line with a single ".")', start);
    }
  }
}
