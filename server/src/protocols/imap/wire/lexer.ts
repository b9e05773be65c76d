// Token cursor over one complete command as the reader assembled it: the text
// lines (literal markers stripped) and the literal values between them.
// Grammar references are RFC 9051 §9 (formal syntax) unless noted.
import type { LiteralValue, ParseOptions, WireErrorCode } from './command-types.ts';

/** One literal of a command: its value and whether it was a literal8 "~{N}" (RFC 3516 §4.4). */
export interface LiteralSlot { value: LiteralValue; binary: boolean }

/** A command as read off the wire: lines[i] is followed by literals[i]; the last line ends the command. */
export interface CommandInput { lines: Buffer[]; literals: LiteralSlot[] }

/** Thrown inside the parser only; parse-command.ts turns it into a typed WireError. */
export class ParseFailure extends Error {
  code: WireErrorCode;
  constructor(code: WireErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const END = -1;
export const LITERAL = -2;

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** RFC 9051 §9 ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ]. */
export function isAtomChar(b: number): boolean {
  if (b <= 0x1f || b >= 0x7f) return false;
  return b !== 0x28 && b !== 0x29 && b !== 0x7b && b !== SP && b !== 0x25 && b !== 0x2a
    && b !== DQUOTE && b !== BACKSLASH && b !== 0x5d;
}

/** ASTRING-CHAR = ATOM-CHAR / resp-specials ("]"). */
export function isAstringChar(b: number): boolean {
  return b === 0x5d || isAtomChar(b);
}

/** list-char = ATOM-CHAR / list-wildcards / resp-specials (RFC 9051 §9). */
export function isListChar(b: number): boolean {
  return b === 0x25 || b === 0x2a || isAstringChar(b);
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes are well-formed UTF-8 (RFC 3629), as RFC 6855 §3 requires of 8-bit strings. */
export function isValidUtf8(buf: Buffer): boolean {
  try {
    utf8Decoder.decode(buf);
    return true;
  } catch {
    return false;
  }
}

export class Lexer {
  readonly opts: ParseOptions;
  private readonly lines: Buffer[];
  private readonly literals: LiteralSlot[];
  private li = 0;
  private pos = 0;
  private depth = 0;
  private args = 0;

  constructor(input: CommandInput, opts: ParseOptions) {
    this.lines = input.lines;
    this.literals = input.literals;
    this.opts = opts;
  }

  fail(message: string, code: WireErrorCode = 'syntax'): never {
    throw new ParseFailure(code, message);
  }

  peek(): number {
    const line = this.lines[this.li];
    if (this.pos < line.length) return line[this.pos];
    return this.li < this.literals.length ? LITERAL : END;
  }

  /** Upper-cased text of the next `n` bytes, for keyword look-ahead. */
  peekWord(n: number): string {
    return this.lines[this.li].subarray(this.pos, this.pos + n).toString('latin1').toUpperCase();
  }

  atEnd(): boolean {
    return this.peek() === END;
  }

  expectEnd(): void {
    if (!this.atEnd()) this.fail('Unexpected characters after command arguments');
  }

  tryChar(c: number): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  expectChar(c: number, what: string): void {
    if (!this.tryChar(c)) this.fail(`Expected ${what}`);
  }

  sp(): void {
    this.expectChar(SP, 'a space');
  }

  /** Consumes SP when another argument follows (anything but end of command or `close`). */
  moreArgs(close = -3): boolean {
    const b = this.peek();
    if (b === END || b === close) return false;
    this.sp();
    return true;
  }

  /** Counts one argument; bounds the work a single command can cause. */
  countArg(): void {
    if (++this.args > this.opts.maxArguments) this.fail('Too many arguments', 'too-many-arguments');
  }

  /** Enters one level of nesting (a parenthesis, or a NOT / OR operand that recurses). */
  nest(): void {
    if (++this.depth > this.opts.maxDepth) this.fail('Arguments nested too deeply', 'nesting-too-deep');
  }

  unnest(): void {
    this.depth--;
  }

  open(): void {
    this.expectChar(0x28, '"("');
    this.nest();
  }

  close(): void {
    this.expectChar(0x29, '")"');
    this.unnest();
  }

  /** Reads 1*byte matching `pred` as a latin1 string. */
  run(pred: (b: number) => boolean, what: string): string {
    const line = this.lines[this.li];
    const start = this.pos;
    while (this.pos < line.length && pred(line[this.pos])) this.pos++;
    if (this.pos === start) this.fail(`Expected ${what}`);
    this.countArg();
    return line.toString('latin1', start, this.pos);
  }

  atom(): string {
    return this.run(isAtomChar, 'an atom');
  }

  /** An atom compared case-insensitively, as keywords are (RFC 9051 §9: "case-insensitive"). */
  keyword(): string {
    return this.atom().toUpperCase();
  }

  expectKeyword(word: string): void {
    if (this.keyword() !== word) this.fail(`Expected ${word}`);
  }

  /** RFC 9051 §9 number: 1*DIGIT fitting in 32 bits. */
  number(): number {
    const text = this.run((b) => b >= 0x30 && b <= 0x39, 'a number');
    const value = Number(text);
    if (text.length > 10 || value > 0xffffffff) this.fail('Number out of range', 'number-out-of-range');
    return value;
  }

  nzNumber(): number {
    const value = this.number();
    if (value === 0) this.fail('Zero is not allowed here', 'number-out-of-range');
    return value;
  }

  /** number64 (RFC 9051 §9) and mod-sequence-value (RFC 7162 §7): 0 ≤ n < 2^63. */
  number64(): bigint {
    const text = this.run((b) => b >= 0x30 && b <= 0x39, 'a number');
    if (text.length > 19) this.fail('Number out of range', 'number-out-of-range');
    const value = BigInt(text);
    if (value > 0x7fffffffffffffffn) this.fail('Number out of range', 'number-out-of-range');
    return value;
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE; 8-bit only as UTF-8 and only in UTF-8 mode (RFC 6855 §3). */
  quoted(): Buffer {
    this.expectChar(DQUOTE, 'a quoted string');
    const line = this.lines[this.li];
    const out: number[] = [];
    let eight = false;
    for (;;) {
      if (this.pos >= line.length) this.fail('Unterminated quoted string');
      const b = line[this.pos++];
      if (b === DQUOTE) break;
      if (b === BACKSLASH) {
        const next = this.pos < line.length ? line[this.pos++] : -1;
        // Only quoted-specials may be escaped.
        if (next !== DQUOTE && next !== BACKSLASH) this.fail('Invalid escape in quoted string');
        out.push(next);
        continue;
      }
      if (b === 0) this.fail('NUL in quoted string');
      if (b >= 0x80) eight = true;
      out.push(b);
    }
    this.countArg();
    const buf = Buffer.from(out);
    if (eight) {
      if (!this.opts.utf8) this.fail('8-bit characters need a literal unless UTF8=ACCEPT is enabled', 'eight-bit-not-allowed');
      if (!isValidUtf8(buf)) this.fail('Quoted string is not valid UTF-8', 'eight-bit-not-allowed');
    }
    return buf;
  }

  /** The literal at the current position; `binary` permits a literal8. */
  literalSlot(allowBinary: boolean): LiteralSlot {
    if (this.peek() !== LITERAL) this.fail('Expected a literal');
    const slot = this.literals[this.li];
    if (slot.binary && !allowBinary) this.fail('literal8 is not allowed here');
    this.li++;
    this.pos = 0;
    this.countArg();
    return slot;
  }

  literalBytes(): Buffer {
    const slot = this.literalSlot(false);
    if (!Buffer.isBuffer(slot.value)) this.fail('Literal too large for this argument', 'literal-too-large');
    if (slot.value.includes(0)) this.fail('NUL in literal');
    return slot.value;
  }

  /** string = quoted / literal. */
  string(): Buffer {
    return this.peek() === LITERAL ? this.literalBytes() : this.quoted();
  }

  /**
   * An unquoted argument (astring or list-mailbox chars). Atoms are ASCII in
   * every mode: RFC 6855 §3 lets UTF-8 into quoted strings and literals only,
   * so a byte >= 0x80 here gets an answer that says so rather than "Expected
   * a space" at the point where the atom stopped.
   */
  private unquoted(pred: (b: number) => boolean, what: string): string {
    const line = this.lines[this.li];
    let end = this.pos;
    while (end < line.length && pred(line[end])) end++;
    if (end < line.length && line[end] >= 0x80) {
      this.fail(this.opts.utf8
        ? 'Non-ASCII characters must be sent as a quoted string ("...") or a literal ({n}), not as a bare word'
        : 'Non-ASCII characters must be sent as a literal ({n}), not as a bare word (a quoted string may carry them after ENABLE UTF8=ACCEPT)', 'eight-bit-not-allowed');
    }
    return this.run(pred, what);
  }

  /** astring = 1*ASTRING-CHAR / string. */
  astring(): Buffer {
    const b = this.peek();
    if (b === DQUOTE || b === LITERAL) return this.string();
    return Buffer.from(this.unquoted(isAstringChar, 'an astring'), 'latin1');
  }

  /** nstring = string / nil. */
  nstring(): Buffer | null {
    const b = this.peek();
    if (b === DQUOTE || b === LITERAL) return this.string();
    if (this.keyword() !== 'NIL') this.fail('Expected a string or NIL');
    return null;
  }

  astringText(): string {
    return this.astring().toString('utf8');
  }

  /** list-mailbox = 1*list-char / string (RFC 9051 §9). */
  listMailbox(): Buffer {
    const b = this.peek();
    if (b === DQUOTE || b === LITERAL) return this.string();
    return Buffer.from(this.unquoted(isListChar, 'a mailbox pattern'), 'latin1');
  }
}
