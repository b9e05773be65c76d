// FETCH / UID FETCH arguments: RFC 9051 §6.4.5, RFC 3516 §4.2 (BINARY),
// RFC 7162 §3.1.4 and §3.2.6 (CHANGEDSINCE, VANISHED), RFC 8474 (EMAILID,
// THREADID), RFC 8514 (SAVEDATE).
import type { CommandBody, FetchItem, Partial, Section } from './command-types.ts';
import { type Lexer } from './lexer.ts';
import { readSequenceSet } from './sequence-set.ts';

const SIMPLE = new Set(['ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'RFC822.SIZE',
  'BODY', 'BODYSTRUCTURE', 'UID', 'MODSEQ', 'EMAILID', 'THREADID', 'SAVEDATE']);

/** RFC 9051 §6.4.5 macros. */
const MACROS: Record<string, FetchItem[]> = {
  FAST: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }],
  ALL: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }, { item: 'ENVELOPE' }],
  FULL: [{ item: 'FLAGS' }, { item: 'INTERNALDATE' }, { item: 'RFC822.SIZE' }, { item: 'ENVELOPE' }, { item: 'BODY' }],
};

function isAttChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2e || b === 0x2d;
}

/** section-part = nz-number *("." nz-number), given as the dotted text. */
function sectionParts(lx: Lexer, words: string[]): number[] {
  const parts: number[] = [];
  while (words.length > 0 && /^[0-9]+$/.test(words[0])) {
    const w = words.shift() as string;
    const n = Number(w);
    if (w.length > 10 || n < 1 || n > 0xffffffff) lx.fail('Invalid section part number', 'number-out-of-range');
    parts.push(n);
  }
  return parts;
}

/** section = "[" [section-spec] "]" (after the "["). */
function readSection(lx: Lexer): Section {
  if (lx.tryChar(0x5d)) return { part: [], text: null, fields: [] };
  const words = lx.run(isAttChar, 'a section').toUpperCase().split('.');
  const part = sectionParts(lx, words);
  const text = words.join('.');
  const section: Section = { part, text: null, fields: [] };
  if (text === '') {
    if (part.length === 0) lx.fail('Invalid section');
  } else if (text === 'HEADER' || text === 'TEXT' || text === 'MIME') {
    // section-text "MIME" only follows a part number.
    if (text === 'MIME' && part.length === 0) lx.fail('MIME needs a part number');
    section.text = text;
  } else if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    section.text = text;
    lx.sp();
    lx.open();
    do section.fields.push(lx.astring().toString('latin1').toUpperCase());
    while (lx.moreArgs(0x29));
    lx.close();
  } else {
    lx.fail(`Invalid section "${text}"`);
  }
  lx.expectChar(0x5d, '"]"');
  return section;
}

/** "<" number "." nz-number ">" (RFC 9051 §9 fetch-att partial). */
function readPartial(lx: Lexer): Partial | null {
  if (!lx.tryChar(0x3c)) return null;
  const offset = lx.number();
  lx.expectChar(0x2e, '"."');
  const length = lx.nzNumber();
  lx.expectChar(0x3e, '">"');
  return { offset, length };
}

/** section-binary = "[" [section-part] "]". */
function readBinaryPart(lx: Lexer): number[] {
  if (lx.tryChar(0x5d)) return [];
  const words = lx.run(isAttChar, 'a part number').split('.');
  const part = sectionParts(lx, words);
  if (words.length > 0) lx.fail('BINARY takes part numbers only');
  lx.expectChar(0x5d, '"]"');
  return part;
}

function readFetchAtt(lx: Lexer, allowMacro: boolean): FetchItem[] {
  const name = lx.run(isAttChar, 'a fetch item').toUpperCase();
  // Macros stand alone, never inside a parenthesised list (RFC 9051 §6.4.5).
  if (allowMacro && MACROS[name] && lx.peek() !== 0x5b) return [...MACROS[name]];
  return [readFetchAttAfterName(lx, name)];
}

function readFetchAttAfterName(lx: Lexer, name: string): FetchItem {
  if (lx.tryChar(0x5b)) {
    if (name === 'BODY' || name === 'BODY.PEEK') {
      const section = readSection(lx);
      return { item: 'BODY[]', peek: name === 'BODY.PEEK', section, partial: readPartial(lx) };
    }
    if (name === 'BINARY' || name === 'BINARY.PEEK') {
      const part = readBinaryPart(lx);
      return { item: 'BINARY', peek: name === 'BINARY.PEEK', part, partial: readPartial(lx) };
    }
    if (name === 'BINARY.SIZE') return { item: 'BINARY.SIZE', part: readBinaryPart(lx) };
    lx.fail(`${name} takes no section`);
  }
  if (!SIMPLE.has(name)) lx.fail(`Unknown fetch item ${name}`);
  return { item: name } as FetchItem;
}

/** fetch = "FETCH" SP sequence-set SP (macro / fetch-att / "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]. */
export function parseFetch(lx: Lexer, uid: boolean): CommandBody {
  lx.sp();
  const sequence = readSequenceSet(lx);
  lx.sp();
  let items: FetchItem[];
  if (lx.peek() === 0x28) {
    lx.open();
    items = [];
    do items.push(...readFetchAtt(lx, false));
    while (lx.moreArgs(0x29));
    lx.close();
  } else {
    items = readFetchAtt(lx, true);
  }
  let changedSince: bigint | null = null;
  let vanished = false;
  if (!lx.atEnd()) {
    lx.sp();
    lx.open();
    do {
      const mod = lx.keyword();
      if (mod === 'CHANGEDSINCE' && changedSince === null) {
        lx.sp();
        changedSince = lx.number64();
        if (changedSince === 0n) lx.fail('CHANGEDSINCE needs a non-zero mod-sequence', 'number-out-of-range');
      } else if (mod === 'VANISHED' && uid && !vanished) {
        vanished = true;
      } else {
        lx.fail(`Invalid fetch modifier ${mod}`);
      }
    } while (lx.moreArgs(0x29));
    lx.close();
    // RFC 7162 §3.2.6: VANISHED only together with CHANGEDSINCE.
    if (vanished && changedSince === null) lx.fail('VANISHED requires CHANGEDSINCE');
  }
  lx.expectEnd();
  return { name: 'FETCH', uid, sequence, items, changedSince, vanished };
}
