// Incremental command reader: bytes in (split anywhere), events out. It
// frames lines and literals (RFC 9051 §2.2, §4.3), asks the session for
// continuation before synchronizing literals, accepts LITERAL+/LITERAL-
// non-synchronizing literals (RFC 7888), streams large APPEND literals
// instead of buffering them, and resynchronises at the next line after an
// error. Memory held is bounded by the limits below, whatever the input.
import type { Command, LiteralValue, ParseOptions, WireError, WireErrorCode } from './command-types.ts';
import type { LiteralSlot } from './lexer.ts';
import { parseCommand, peekTagAndName } from './parse-command.ts';

export type ReaderEvent =
  | { kind: 'command'; command: Command }
  /** Answer BAD (tagged when `error.tag` is set); the reader has already skipped the rest of the command. */
  | { kind: 'error'; error: WireError }
  /**
   * A synchronizing literal was announced: send "+ Ready for literal", or call
   * rejectLiteral() and answer the tag with NO/BAD (RFC 9051 §7.5).
   */
  | { kind: 'continuation'; tag: string | null; command: string | null; size: number }
  /** An APPEND literal is streamed: open a sink of `size` bytes. */
  | { kind: 'literal-start'; tag: string | null; index: number; size: number; binary: boolean }
  | { kind: 'literal-data'; index: number; chunk: Buffer }
  | { kind: 'literal-end'; index: number }
  /** Raw line mode (AUTHENTICATE responses, IDLE "DONE"): one line without its CRLF. */
  | { kind: 'line'; line: Buffer };

export interface ReaderOptions extends ParseOptions {
  /** Longest line outside literals, CRLF excluded. */
  maxLineLength: number;
  /** Largest literal of any command but APPEND; held in memory. */
  maxLiteralSize: number;
  /** Largest APPEND literal (RFC 7889 APPENDLIMIT). */
  maxAppendSize: number;
  /** APPEND literals of at least this size are streamed, never buffered. */
  streamThreshold: number;
  /** Bytes of lines and in-memory literals one command may hold. */
  maxCommandSize: number;
  /** LITERAL- (RFC 7888 §5): non-synchronizing literals are limited to 4096 bytes. */
  literalMinus: boolean;
}

export const DEFAULT_READER_OPTIONS: ReaderOptions = {
  utf8: false,
  maxArguments: 10_000,
  maxDepth: 32,
  maxLineLength: 64 * 1024,
  maxLiteralSize: 1024 * 1024,
  maxAppendSize: 64 * 1024 * 1024,
  streamThreshold: 64 * 1024,
  maxCommandSize: 4 * 1024 * 1024,
  literalMinus: false,
};

/** RFC 7888 §5. */
const LITERAL_MINUS_LIMIT = 4096;

const MARKER = /(~?)\{([0-9]+)(\+?)\}$/;

interface Marker { textEnd: number; size: number; nonSync: boolean; binary: boolean }

/** A literal marker ending a line: literal = "{" number64 ["+"] "}" CRLF, literal8 = "~{" ... (RFC 9051 §9, RFC 3516 §4.4). */
function findMarker(line: Buffer): Marker | null {
  const tail = line.toString('latin1', Math.max(0, line.length - 32));
  const m = MARKER.exec(tail);
  if (!m) return null;
  const size = m[2].length > 15 ? Number.POSITIVE_INFINITY : Number(m[2]);
  return { textEnd: line.length - m[0].length, size, nonSync: m[3] === '+', binary: m[1] === '~' };
}

type State = 'line' | 'literal' | 'skip-literal' | 'discard-line';

export class CommandReader {
  readonly options: ReaderOptions;
  private mode: 'command' | 'line' = 'command';
  private state: State = 'line';
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private linePieces: Buffer[] = [];
  private lineLength = 0;
  /** Last bytes of a line being discarded, to spot a trailing literal marker. */
  private discardTail = '';
  /** Start and end of a line that went over maxLineLength, for the tag and a trailing literal marker. */
  private overlongHead: Buffer = Buffer.alloc(0);
  private overlongTail: string | null = null;
  private cmdLines: Buffer[] = [];
  private cmdLiterals: LiteralSlot[] = [];
  private cmdBytes = 0;
  private cmdTag: string | null = null;
  private cmdName: string | null = null;
  private litSize = 0;
  private litRemaining = 0;
  private litBinary = false;
  private litStream = false;
  private litStarted = false;
  private litSync = false;
  private litParts: Buffer[] = [];

  constructor(options: Partial<ReaderOptions> = {}) {
    this.options = { ...DEFAULT_READER_OPTIONS, ...options };
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.pos = 0;
  }

  /** Unconsumed input bytes; the session pauses the socket while this grows. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** 'line' reads raw lines for AUTHENTICATE and IDLE; 'command' parses commands. */
  setMode(mode: 'command' | 'line'): void {
    this.mode = mode;
  }

  /** After ENABLE UTF8=ACCEPT or IMAP4rev2 (RFC 6855 §3, RFC 9051 §6.3.1). */
  setUtf8(utf8: boolean): void {
    this.options.utf8 = utf8;
  }

  /** The session refused a synchronizing literal: the client will not send it, so drop the command. */
  rejectLiteral(): boolean {
    if (this.state !== 'literal' || !this.litSync || this.litRemaining !== this.litSize || this.litStarted) return false;
    this.resetCommand();
    this.state = 'line';
    return true;
  }

  /** Hands over unread bytes (COMPRESS: they are compressed data) and forgets them. */
  takeBuffered(): Buffer {
    const rest = this.buf.subarray(this.pos);
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    return rest;
  }

  /**
   * Forgets everything; after STARTTLS, bytes that arrived before the
   * handshake must not be executed (RFC 9051 §6.2.1, the CVE-2011-0411 class).
   */
  reset(): number {
    const dropped = this.buffered + this.lineLength;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.linePieces = [];
    this.lineLength = 0;
    this.resetCommand();
    this.state = 'line';
    this.mode = 'command';
    return dropped;
  }

  /** The next event, or null when more input is needed. Never throws. */
  next(): ReaderEvent | null {
    for (;;) {
      switch (this.state) {
        case 'literal': {
          const ev = this.readLiteral();
          if (ev === 'more') return null;
          if (ev) return ev;
          break;
        }
        case 'skip-literal': {
          const take = Math.min(this.litRemaining, this.buf.length - this.pos);
          this.pos += take;
          this.litRemaining -= take;
          if (this.litRemaining > 0) return null;
          this.state = 'discard-line';
          this.discardTail = '';
          break;
        }
        case 'discard-line':
          if (!this.discardLine()) return null;
          break;
        case 'line': {
          const line = this.readLine();
          if (line === null) return null;
          if (line === 'overlong') return this.overlongLine();
          if (this.mode === 'line') return { kind: 'line', line };
          const ev = this.commandLine(line);
          if (ev) return ev;
          break;
        }
      }
    }
  }

  /** A complete line without CRLF, null when more input is needed, 'overlong' past maxLineLength. */
  private readLine(): Buffer | null | 'overlong' {
    const lf = this.buf.indexOf(0x0a, this.pos);
    const end = lf < 0 ? this.buf.length : lf;
    if (end > this.pos) {
      this.linePieces.push(this.buf.subarray(this.pos, end));
      this.lineLength += end - this.pos;
    }
    this.pos = lf < 0 ? this.buf.length : lf + 1;
    // Lines end in CRLF (RFC 9051 §2.2); a bare LF is tolerated, as most servers do.
    const limit = this.options.maxLineLength + (lf < 0 ? 1 : 0);
    if (this.lineLength > limit) return this.overlong(lf >= 0);
    if (lf < 0) return null;
    let line = this.linePieces.length === 1 ? this.linePieces[0] : Buffer.concat(this.linePieces);
    this.linePieces = [];
    this.lineLength = 0;
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    if (line.length > this.options.maxLineLength) {
      this.linePieces = [line];
      this.lineLength = line.length;
      return this.overlong(true);
    }
    return line;
  }

  private overlong(complete: boolean): 'overlong' {
    const all = Buffer.concat(this.linePieces);
    this.overlongHead = all.subarray(0, 128);
    this.overlongTail = complete ? all.toString('latin1', Math.max(0, all.length - 33)).replace(/\r$/, '') : null;
    this.linePieces = [];
    this.lineLength = 0;
    return 'overlong';
  }

  private overlongLine(): ReaderEvent {
    const first = this.cmdLines[0] ?? this.overlongHead;
    const { tag, name } = this.mode === 'command' ? peekTagAndName(first) : { tag: null, name: null };
    this.resetCommand();
    const marker = this.mode === 'command' && this.overlongTail !== null ? findMarker(Buffer.from(this.overlongTail, 'latin1')) : null;
    if (this.overlongTail === null) {
      this.state = 'discard-line';
      this.discardTail = '';
    } else if (marker && marker.nonSync) {
      this.state = 'skip-literal';
      this.litRemaining = marker.size;
    } else {
      this.state = 'line';
    }
    return this.error('line-too-long', 'Line too long', tag, name);
  }

  /** Skips to the end of the current line; a trailing non-synchronizing literal is skipped too. */
  private discardLine(): boolean {
    const lf = this.buf.indexOf(0x0a, this.pos);
    const end = lf < 0 ? this.buf.length : lf;
    this.discardTail = (this.discardTail + this.buf.toString('latin1', Math.max(this.pos, end - 32), end)).slice(-32);
    this.pos = lf < 0 ? this.buf.length : lf + 1;
    if (lf < 0) return false;
    const marker = this.mode === 'command' ? findMarker(Buffer.from(this.discardTail.replace(/\r$/, ''), 'latin1')) : null;
    if (marker && marker.nonSync) {
      this.state = 'skip-literal';
      this.litRemaining = marker.size;
    } else {
      this.state = 'line';
    }
    return true;
  }

  private commandLine(line: Buffer): ReaderEvent | null {
    if (this.cmdLines.length === 0) {
      // An empty line between commands carries nothing; ignore it rather than count a BAD.
      if (line.length === 0) return null;
      const peeked = peekTagAndName(line);
      this.cmdTag = peeked.tag;
      this.cmdName = peeked.name;
    }
    const marker = findMarker(line);
    if (!marker) {
      this.cmdLines.push(line);
      return this.finishCommand();
    }
    const text = line.subarray(0, marker.textEnd);
    this.cmdLines.push(text);
    this.cmdBytes += text.length;
    const isAppend = this.cmdName === 'APPEND';
    const limit = isAppend ? this.options.maxAppendSize : this.options.maxLiteralSize;
    if (marker.nonSync && this.options.literalMinus && marker.size > LITERAL_MINUS_LIMIT) {
      return this.refuseLiteral(marker, 'Non-synchronizing literal over 4096 bytes (LITERAL-)');
    }
    if (marker.size > limit) return this.refuseLiteral(marker, 'Literal too large');
    if (this.cmdLiterals.length >= this.options.maxArguments) {
      return this.refuseLiteral(marker, 'Too many literals', 'too-many-arguments');
    }
    const stream = isAppend && (marker.size >= this.options.streamThreshold || this.cmdBytes + marker.size > this.options.maxCommandSize);
    if (!stream && this.cmdBytes + marker.size > this.options.maxCommandSize) {
      return this.refuseLiteral(marker, 'Command too large', 'command-too-large');
    }
    this.state = 'literal';
    this.litSize = marker.size;
    this.litRemaining = marker.size;
    this.litBinary = marker.binary;
    this.litStream = stream;
    this.litStarted = false;
    this.litSync = !marker.nonSync;
    this.litParts = [];
    if (this.litSync) return { kind: 'continuation', tag: this.cmdTag, command: this.cmdName, size: marker.size };
    return null;
  }

  /**
   * Rejects an announced literal. A synchronizing one is never sent once we
   * answer instead of "+"; a non-synchronizing one is already on its way and
   * is skipped without being stored (RFC 7888 §5).
   */
  private refuseLiteral(marker: Marker, message: string, code: WireErrorCode = 'literal-too-large'): ReaderEvent {
    const { cmdTag: tag, cmdName: name } = this;
    this.resetCommand();
    if (marker.nonSync) {
      this.state = 'skip-literal';
      this.litRemaining = marker.size;
    } else {
      this.state = 'line';
    }
    return this.error(code, message, tag, name);
  }

  /** Returns an event, null to continue the loop, or 'more' when input ran out. */
  private readLiteral(): ReaderEvent | null | 'more' {
    const index = this.cmdLiterals.length;
    if (this.litStream && !this.litStarted) {
      this.litStarted = true;
      return { kind: 'literal-start', tag: this.cmdTag, index, size: this.litSize, binary: this.litBinary };
    }
    if (this.litRemaining === 0) {
      const value: LiteralValue = this.litStream
        ? { kind: 'streamed', index, size: this.litSize, binary: this.litBinary }
        : Buffer.concat(this.litParts);
      if (!this.litStream) this.cmdBytes += this.litSize;
      this.cmdLiterals.push({ value, binary: this.litBinary });
      this.litParts = [];
      this.state = 'line';
      return this.litStream ? { kind: 'literal-end', index } : null;
    }
    if (this.pos >= this.buf.length) return 'more';
    const take = Math.min(this.litRemaining, this.buf.length - this.pos);
    const chunk = this.buf.subarray(this.pos, this.pos + take);
    this.pos += take;
    this.litRemaining -= take;
    if (this.litStream) return { kind: 'literal-data', index, chunk };
    this.litParts.push(chunk);
    return null;
  }

  private finishCommand(): ReaderEvent {
    const result = parseCommand({ lines: this.cmdLines, literals: this.cmdLiterals }, this.options);
    this.resetCommand();
    return result.ok ? { kind: 'command', command: result.command } : { kind: 'error', error: result.error };
  }

  private resetCommand(): void {
    this.cmdLines = [];
    this.cmdLiterals = [];
    this.cmdBytes = 0;
    this.cmdTag = null;
    this.cmdName = null;
    this.litParts = [];
    this.litStarted = false;
  }

  private error(code: WireErrorCode, message: string, tag: string | null, command: string | null): ReaderEvent {
    return { kind: 'error', error: { code, tag, command, message } };
  }
}

/** AUTHENTICATE client response line (RFC 9051 §6.2.2): "*" cancels, otherwise base64. */
export function parseAuthenticateLine(line: Buffer): { kind: 'cancel' } | { kind: 'data'; data: Buffer } | { kind: 'invalid' } {
  const text = line.toString('latin1');
  if (text === '*') return { kind: 'cancel' };
  if (text === '') return { kind: 'data', data: Buffer.alloc(0) };
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return { kind: 'invalid' };
  return { kind: 'data', data: Buffer.from(text, 'base64') };
}

/** IDLE ends with "DONE" (RFC 9051 §6.3.13), case-insensitively like every keyword. */
export function isIdleDone(line: Buffer): boolean {
  return line.length === 4 && line.toString('latin1').toUpperCase() === 'DONE';
}
