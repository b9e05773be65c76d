// One pass over the raw message that finds every MIME entity and its byte
// offsets (RFC 2045, RFC 2046 §5.1.1, RFC 9051 §6.4.5 section numbers).
// Like Dovecot's message-parser it is a state machine over lines with an
// explicit stack of open entities, so nesting depth never touches the call
// stack, and every boundary line of every open multipart is matched in the
// same pass, so a multipart whose close delimiter is missing ends where an
// enclosing one continues.
import { Buffer } from 'node:buffer';
import type { MimePart } from './types.ts';
import { type HeaderField, headerFields, lineBreakByte } from './header-fields.ts';
import { describePart } from './part-headers.ts';
import { buildEnvelope } from './envelope.ts';

export interface StructureLimits { maxDepth: number; maxParts: number }

export interface ParsedStructure {
  root: MimePart;
  /** Header fields of the top-level message. */
  rootFields: HeaderField[];
}

interface Frame {
  part: MimePart;
  kind: 'leaf' | 'multipart' | 'message';
  depth: number;
  /** multipart only: boundary as latin1 text, and where we are in its body. */
  boundary: string;
  state: 'preamble' | 'child' | 'epilogue';
  /** Line breaks before bodyStart, for the line count (text and message parts). */
  startBreaks: number;
}

interface BoundaryMatch { frame: Frame; close: boolean; lineStart: number; next: number }

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

/** RFC 2046 §5.1.1 allows 70 characters; senders exceed it, but not by this much. */
const MAX_BOUNDARY = 998;

export function parseStructure(raw: Buffer, limits: StructureLimits, warn: (w: string) => void): ParsedStructure {
  const len = raw.length;
  const eol = lineBreakByte(raw);
  const needle = Buffer.from([eol, DASH, DASH]);
  const stack: Frame[] = [];
  const boundaries = new Map<string, Frame[]>();
  let partCount = 0;
  let rootFields: HeaderField[] = [];

  /** Length of the line break just before `pos` (0, 1, or 2 for CRLF). */
  const breakBefore = (pos: number): number => {
    if (pos === 0 || raw[pos - 1] !== eol) return 0;
    return eol === LF && pos >= 2 && raw[pos - 2] === CR ? 2 : 1;
  };

  /** RFC 2046 §5.1.1: "--" boundary [ "--" ] *LWSP at the start of a line. */
  const matchBoundary = (lineStart: number): BoundaryMatch | null => {
    if (raw[lineStart] !== DASH || raw[lineStart + 1] !== DASH || boundaries.size === 0) return null;
    const brk = raw.indexOf(eol, lineStart);
    const next = brk < 0 ? len : brk + 1;
    let end = brk < 0 ? len : brk;
    while (end > lineStart + 2 && (raw[end - 1] === 0x20 || raw[end - 1] === 0x09 || raw[end - 1] === CR)) end--;
    if (end - lineStart - 2 > MAX_BOUNDARY + 2) return null;
    const token = raw.toString('latin1', lineStart + 2, end);
    const pick = (key: string): Frame | null => {
      const frames = boundaries.get(key);
      if (frames === undefined) return null;
      for (let i = frames.length - 1; i >= 0; i--) if (frames[i].state !== 'epilogue') return frames[i];
      return null;
    };
    const open = pick(token);
    if (open !== null) return { frame: open, close: false, lineStart, next };
    if (token.endsWith('--')) {
      const closed = pick(token.slice(0, -2));
      if (closed !== null) return { frame: closed, close: true, lineStart, next };
    }
    return null;
  };

  /** Next boundary line at or after line start `from`, or null. */
  const nextBoundary = (from: number): BoundaryMatch | null => {
    if (boundaries.size === 0) return null;
    let p = from;
    while (p < len) {
      const m = matchBoundary(p);
      if (m !== null) return m;
      const i = raw.indexOf(needle, p);
      if (i < 0) return null;
      p = i + 1;
    }
    return null;
  };

  /**
   * Scan a header block from `start`: it ends after the empty line (RFC 5322
   * §2.1), at the end of the data, or — for a part whose blank line is
   * missing — at a boundary line, whose preceding line break then belongs to
   * the boundary (RFC 2046 §5.1.1).
   */
  const scanHeader = (start: number): number => {
    let p = start;
    while (p < len) {
      if (raw[p] === DASH && matchBoundary(p) !== null) return Math.max(start, p - breakBefore(p));
      const brk = raw.indexOf(eol, p);
      if (brk < 0) return len;
      let contentEnd = brk;
      if (eol === LF && brk > p && raw[brk - 1] === CR) contentEnd--;
      if (contentEnd === p) return brk + 1;
      p = brk + 1;
    }
    return len;
  };

  // Line breaks before a position, from a cursor that moves with the parse:
  // the ends and starts asked for are almost monotonic, so counting the
  // lines of nested text and message parts stays linear overall (a body
  // nested 10 000 deep is not rescanned 10 000 times).
  let cursor = 0;
  let breaksBeforeCursor = 0;
  const breaksBefore = (pos: number): number => {
    while (cursor < pos) {
      const i = raw.indexOf(eol, cursor);
      if (i < 0 || i >= pos) {
        cursor = pos;
        break;
      }
      breaksBeforeCursor++;
      cursor = i + 1;
    }
    while (cursor > pos) {
      const i = raw.lastIndexOf(eol, cursor - 1);
      if (i < pos) {
        cursor = pos;
        break;
      }
      breaksBeforeCursor--;
      cursor = i;
    }
    return breaksBeforeCursor;
  };
  const countsLines = (part: MimePart): boolean => {
    const { type, subtype } = part.contentType;
    // RFC 9051 §7.5.2: body lines are reported for text/* and message/rfc822.
    return type === 'text' || (type === 'message' && (subtype === 'rfc822' || subtype === 'global'));
  };

  const close = (frame: Frame, end: number): void => {
    const part = frame.part;
    part.bodyEnd = Math.max(part.bodyStart, end);
    part.size = part.bodyEnd - part.bodyStart;
    if (countsLines(part)) {
      const n = breaksBefore(part.bodyEnd) - frame.startBreaks;
      part.lines = part.size > 0 && raw[part.bodyEnd - 1] !== eol ? n + 1 : n;
    }
    if (frame.kind === 'multipart') {
      const frames = boundaries.get(frame.boundary);
      if (frames !== undefined) {
        frames.splice(frames.lastIndexOf(frame), 1);
        if (frames.length === 0) boundaries.delete(frame.boundary);
      }
      if (frame.state === 'preamble') warn('multipart boundary never found: no body parts (RFC 2046 §5.1.1)');
      else if (frame.state === 'child') warn('multipart close delimiter missing (RFC 2046 §5.1.1)');
    }
  };

  /** Close every frame above `keep` (or all of them when null) at `end`. */
  const closeAbove = (keep: Frame | null, end: number): void => {
    // Each frame encloses the one above it: a parent never ends before its
    // child, even when the child's header ran up to the boundary line.
    let e = end;
    while (stack.length > 0 && stack[stack.length - 1] !== keep) {
      const frame = stack.pop() as Frame;
      close(frame, e);
      e = frame.part.bodyEnd;
    }
  };

  /** Parse the header at `headerStart` and open the entity it starts under `parent`. */
  const open = (headerStart: number, parent: Frame | null): Frame => {
    const bodyStart = scanHeader(headerStart);
    const fields = headerFields(raw.subarray(headerStart, bodyStart));
    const depth = parent === null ? 0 : parent.depth + 1;
    const digestChild = parent !== null && parent.kind === 'multipart' && parent.part.contentType.subtype === 'digest';
    const description = describePart(fields, digestChild, warn);
    const { type, subtype, params } = description.contentType;
    partCount++;

    let section = '';
    if (parent !== null && parent.kind === 'multipart') {
      const n = parent.part.children.length + 1;
      section = parent.part.section === '' ? String(n) : `${parent.part.section}.${n}`;
    } else if (parent !== null) {
      // RFC 9051 §6.4.5: the parts of an encapsulated multipart are numbered
      // under the message/rfc822 part itself; a non-multipart encapsulated
      // body is its part 1. A top-level non-multipart message is part "1".
      const outer = parent.part.section === '' ? '1' : parent.part.section;
      section = type === 'multipart' ? outer : `${outer}.1`;
    }

    const part: MimePart = {
      section, headerStart, bodyStart, bodyEnd: bodyStart, ...description,
      size: 0, lines: null, children: [], message: null,
    };
    let kind: Frame['kind'] = 'leaf';
    const boundary = params.boundary ?? '';
    const encoded = part.encoding !== '7bit' && part.encoding !== '8bit' && part.encoding !== 'binary';
    if (type === 'multipart') {
      if (boundary === '') warn('multipart without boundary parameter, indexed as a single part');
      else if (boundary.length > MAX_BOUNDARY) warn('multipart boundary too long, indexed as a single part');
      else if (depth >= limits.maxDepth) warn(`MIME nesting deeper than ${limits.maxDepth}, inner parts not indexed`);
      else kind = 'multipart';
    } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global')) {
      // RFC 2046 §5.2.1: only 7bit, 8bit or binary are allowed; an encoded
      // message is kept opaque, as Dovecot does.
      if (encoded) warn(`message/${subtype} with ${part.encoding} encoding indexed as opaque (RFC 2046 §5.2.1)`);
      else if (depth >= limits.maxDepth) warn(`MIME nesting deeper than ${limits.maxDepth}, inner parts not indexed`);
      else if (partCount >= limits.maxParts) warn(`more than ${limits.maxParts} MIME parts, the rest not indexed`);
      else kind = 'message';
    }

    if (parent === null) rootFields = fields;
    else if (parent.kind === 'multipart') parent.part.children.push(part);
    else parent.part.message = { envelope: buildEnvelope(fields), root: part };

    const startBreaks = countsLines(part) ? breaksBefore(bodyStart) : 0;
    const frame: Frame = { part, kind, depth, boundary, state: 'preamble', startBreaks };
    stack.push(frame);
    if (kind === 'multipart') {
      const frames = boundaries.get(boundary);
      if (frames === undefined) boundaries.set(boundary, [frame]);
      else frames.push(frame);
    }
    return frame;
  };

  // The machine: open an entity (and, for message/rfc822, the message inside
  // it), then look for the next boundary line of any open multipart.
  let frame = open(0, null);
  const root = frame.part;
  for (;;) {
    while (frame.kind === 'message') frame = open(frame.part.bodyStart, frame);
    let scanFrom = frame.part.bodyStart;
    for (;;) {
      const match = nextBoundary(scanFrom);
      if (match === null) {
        closeAbove(null, len);
        return { root, rootFields };
      }
      // RFC 2046 §5.1.1: the line break before a boundary belongs to it.
      closeAbove(match.frame, match.lineStart - breakBefore(match.lineStart));
      const owner = match.frame;
      scanFrom = match.next;
      if (match.close) {
        if (owner.state === 'preamble') warn('multipart close delimiter before any body part (RFC 2046 §5.1.1)');
        // The epilogue is ignored; only enclosing boundaries matter now.
        owner.state = 'epilogue';
      } else if (partCount >= limits.maxParts) {
        warn(`more than ${limits.maxParts} MIME parts, the rest not indexed`);
        owner.state = 'epilogue';
      } else {
        owner.state = 'child';
        frame = open(match.next, owner);
        break;
      }
    }
  }
}
