// The syntax of a JavaScript regular expression, read into a small tree for
// the pattern scanner's analyses (regex-starts.ts): characters as sets,
// sequences, alternatives, repetitions and \b; the zero-width assertions the
// analyses do not model (^ $ \B lookarounds) as "empty", which can only
// remove matches. What it does not read — the v flag, back references, group
// modifiers, octal escapes — it refuses, and the scanner then runs that
// pattern over the whole text as before.
/** Inclusive ranges of UTF-16 code units (or code points under the u flag), or any character. */
export type CharSet = { any: true } | { any: false; ranges: ReadonlyArray<readonly [number, number]> };

export const ANY: CharSet = { any: true };
const set = (...ranges: Array<readonly [number, number]>): CharSet => ({ any: false, ranges });
const char = (c: number): CharSet => set([c, c]);

/** RegExp \d, \w and \s (ECMA-262 §22.2.2.9: WhiteSpace and LineTerminator). */
const DIGIT = set([0x30, 0x39]);
const WORD = set([0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]);
const SPACE = set([0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]);

export type Node =
  | { t: 'chars'; set: CharSet }
  | { t: 'boundary' }
  /** A zero-width assertion the analysis ignores (^ $ \B lookarounds): it can only remove matches. */
  | { t: 'empty' }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number };

export class Unsupported extends Error {}

/** A recursive-descent reader of RegExp source (ECMA-262 §22.2.1, the syntax used without the v flag). */
class Reader {
  readonly src: string;
  readonly unicode: boolean;
  readonly ignoreCase: boolean;
  pos = 0;

  constructor(src: string, unicode: boolean, ignoreCase: boolean) {
    this.src = src;
    this.unicode = unicode;
    this.ignoreCase = ignoreCase;
  }

  parse(): Node {
    const node = this.disjunction();
    if (this.pos < this.src.length) throw new Unsupported(`unexpected ${this.src[this.pos]}`);
    return node;
  }

  disjunction(): Node {
    const options = [this.alternative()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.alternative());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  }

  alternative(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') items.push(this.quantified(this.atom()));
    return { t: 'seq', items };
  }

  quantified(atom: Node): Node {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) {
        if (this.unicode) throw new Unsupported('lone {');
        return atom;
      }
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return atom;
    }
    if (this.src[this.pos] === '?') this.pos++;
    return { t: 'repeat', node: atom, min, max };
  }

  atom(): Node {
    const c = this.src[this.pos++];
    switch (c) {
      case '^': case '$': return { t: 'empty' };
      case '.': return { t: 'chars', set: ANY };
      case '[': return { t: 'chars', set: this.charClass() };
      case '(': return this.group();
      case '\\': return this.atomEscape();
      default: {
        if (c === undefined) throw new Unsupported('end of pattern');
        return { t: 'chars', set: this.literal(this.codePointAt(this.pos - 1)) };
      }
    }
  }

  codePointAt(i: number): number {
    const cp = this.unicode ? this.src.codePointAt(i)! : this.src.charCodeAt(i);
    if (cp > 0xffff) this.pos++;
    return cp;
  }

  group(): Node {
    let lookaround = false;
    if (this.src[this.pos] === '?') {
      const rest = this.src.slice(this.pos + 1, this.pos + 3);
      if (rest[0] === ':') this.pos += 2;
      else if (rest[0] === '=' || rest[0] === '!') { this.pos += 2; lookaround = true; }
      else if (rest === '<=' || rest === '<!') { this.pos += 3; lookaround = true; }
      else if (rest[0] === '<') {
        const end = this.src.indexOf('>', this.pos);
        if (end < 0) throw new Unsupported('group name');
        this.pos = end + 1;
      } else {
        // Modifiers such as (?i:…) change the flags inside the group.
        throw new Unsupported('group modifiers');
      }
    }
    const inner = this.disjunction();
    if (this.src[this.pos++] !== ')') throw new Unsupported('unclosed group');
    return lookaround ? { t: 'empty' } : inner;
  }

  atomEscape(): Node {
    const c = this.src[this.pos];
    if (c === 'b') { this.pos++; return { t: 'boundary' }; }
    if (c === 'B') { this.pos++; return { t: 'empty' }; }
    // Back references (\1, \k<name>) repeat text of unknown length.
    if (/[1-9]/.test(c ?? '') || (c === 'k' && this.src[this.pos + 1] === '<')) throw new Unsupported('back reference');
    return { t: 'chars', set: this.characterEscape(false) };
  }

  /** The character or class after a backslash (the backslash already read). */
  characterEscape(inClass: boolean): CharSet {
    const c = this.src[this.pos++];
    switch (c) {
      case 'd': return DIGIT;
      case 'w': return WORD;
      case 's': return SPACE;
      case 'D': case 'W': case 'S': case 'p': case 'P': return ANY;
      case 'b': if (inClass) return char(0x08); break;
      case 'n': return char(0x0a);
      case 'r': return char(0x0d);
      case 't': return char(0x09);
      case 'v': return char(0x0b);
      case 'f': return char(0x0c);
      case '0': if (!/[0-9]/.test(this.src[this.pos] ?? '')) return char(0); break;
      case 'c': {
        const letter = this.src[this.pos];
        if (letter !== undefined && /[A-Za-z]/.test(letter)) { this.pos++; return char(letter.charCodeAt(0) % 32); }
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos));
        if (m) { this.pos += 2; return this.literal(parseInt(m[0], 16)); }
        break;
      }
      case 'u': {
        const m = this.unicode ? /^\{([0-9a-fA-F]+)\}|^([0-9a-fA-F]{4})/.exec(this.src.slice(this.pos)) : /^()([0-9a-fA-F]{4})/.exec(this.src.slice(this.pos));
        if (m) { this.pos += m[0].length; return this.literal(parseInt(m[1] || m[2], 16)); }
        break;
      }
      case undefined: throw new Unsupported('trailing backslash');
    }
    // Octal escapes and identity escapes of other letters: not worth modelling.
    if (/[0-9A-Za-z]/.test(c)) throw new Unsupported(`escape \\${c}`);
    return this.literal(this.codePointAt(this.pos - 1));
  }

  /** One literal character, with its other case under the i flag. */
  literal(cp: number): CharSet {
    if (!this.ignoreCase) return char(cp);
    if (cp < 0x80) {
      const lower = cp | 0x20;
      return lower >= 0x61 && lower <= 0x7a ? set([lower & ~0x20, lower & ~0x20], [lower, lower]) : char(cp);
    }
    // Outside ASCII the case-insensitive comparison (ECMA-262 §22.2.2.7.3 Canonicalize) has more than two members.
    const s = String.fromCodePoint(cp);
    return s.toUpperCase() === s && s.toLowerCase() === s ? char(cp) : ANY;
  }

  charClass(): CharSet {
    let negated = false;
    if (this.src[this.pos] === '^') { negated = true; this.pos++; }
    const ranges: Array<readonly [number, number]> = [];
    let any = false;
    const add = (s: CharSet): void => {
      if (s.any) any = true;
      else ranges.push(...s.ranges);
    };
    /** One class atom: a character (a range may follow) or a class escape such as \d. */
    const single = (): number | CharSet => {
      const c = this.src[this.pos++];
      if (c === undefined) throw new Unsupported('unclosed class');
      if (c !== '\\') return this.codePointAt(this.pos - 1);
      const escaped = this.characterEscape(true);
      return !escaped.any && escaped.ranges.length === 1 && escaped.ranges[0][0] === escaped.ranges[0][1] ? escaped.ranges[0][0] : escaped;
    };
    while (this.src[this.pos] !== ']') {
      const from = single();
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        this.pos++;
        const to = single();
        // Annex B reads [\d-x] as \d, "-" and "x"; a range of two characters is [lo, hi].
        if (typeof from !== 'number' || typeof to !== 'number') add(ANY);
        else add(this.ignoreCase ? foldRange(from, to) : set([from, to]));
      } else {
        add(typeof from === 'number' ? this.literal(from) : from);
      }
    }
    this.pos++;
    return negated || any ? ANY : set(...ranges);
  }
}

/** A range under the i flag: ASCII letters in both cases; outside ASCII, any character (see literal()). */
function foldRange(lo: number, hi: number): CharSet {
  if (hi >= 0x80) return ANY;
  const ranges: Array<readonly [number, number]> = [[lo, hi]];
  for (let c = lo; c <= hi; c++) {
    const lower = c | 0x20;
    if (lower >= 0x61 && lower <= 0x7a) ranges.push([c ^ 0x20, c ^ 0x20]);
  }
  return set(...ranges);
}

/** The tree of `re`, or null when it uses syntax the analyses do not read. */
export function parseRegex(re: RegExp): Node | null {
  if (re.flags.includes('v')) return null;
  try {
    return new Reader(re.source, re.flags.includes('u'), re.flags.includes('i')).parse();
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}
