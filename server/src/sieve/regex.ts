// The "regex" match type (draft-ietf-sieve-regex-01, what Dovecot and
// Cyrus implement): POSIX extended regular expressions, translated to
// JavaScript and run on V8's linear-time engine (the `l` flag), so that no
// pattern a user uploads can make delivery backtrack for minutes. POSIX
// ERE has no back-references and no look-around, which is exactly what the
// linear engine leaves out. Where the engine is missing (another runtime),
// patterns with nested quantifiers are refused and subjects are capped.
import { setFlagsFromString } from 'node:v8';
import { SieveSyntaxError, type SievePosition } from './errors.ts';
import type { Comparator, Str } from './ir.ts';
import type { StringArg } from './parser.ts';

// Needed before the first RegExp with the `l` flag is built; harmless for every other pattern.
setFlagsFromString('--enable-experimental-regexp-engine');

/** The linear engine's flag; ESLint's RegExp check does not know it. */
const LINEAR_FLAGS = 'sl';

const LINEAR = ((): boolean => {
  try {
    return new RegExp('(a*)*b', LINEAR_FLAGS).test('aaaa') === false;
  } catch {
    return false;
  }
})();

/** Subject length the fallback (backtracking) engine sees; the linear engine has no cap. */
const FALLBACK_SUBJECT_CAP = 4096;
const MAX_PATTERN = 2048;

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: '0-9a-zA-Z', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', cntrl: '\\x00-\\x1f\\x7f', print: ' -~', graph: '!-~', word: '0-9a-zA-Z_',
};

const isLetter = (c: string): boolean => /^[a-zA-Z]$/.test(c);
const otherCase = (c: string): string => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
const escapeClassChar = (c: string): string => (/[\]\\^-]/.test(c) ? `\\${c}` : c);

/** A POSIX bracket expression starting at `i` ("["), as a JS class; returns it and the index after "]". */
function bracket(p: string, i: number, fold: boolean): { out: string; end: number } {
  let j = i + 1;
  let out = '[';
  if (p[j] === '^') {
    out += '^';
    j++;
  }
  const items: string[] = [];
  let first = true;
  while (j < p.length && (p[j] !== ']' || first)) {
    first = false;
    if (p.startsWith('[:', j)) {
      const close = p.indexOf(':]', j + 2);
      const name = close < 0 ? '' : p.slice(j + 2, close);
      if (!(name in POSIX_CLASSES)) throw new Error(`unknown character class "[:${name}:]"`);
      items.push(POSIX_CLASSES[name]);
      j = close + 2;
      continue;
    }
    if (p.startsWith('[=', j) || p.startsWith('[.', j)) throw new Error('collating elements and equivalence classes are not supported');
    const c = p[j];
    // POSIX: a backslash inside brackets is an ordinary character.
    if (p[j + 1] === '-' && p[j + 2] !== undefined && p[j + 2] !== ']') {
      const d = p[j + 2];
      if (d < c) throw new Error(`invalid range "${c}-${d}"`);
      items.push(`${escapeClassChar(c)}-${escapeClassChar(d)}`);
      if (fold && isLetter(c) && isLetter(d) && (c <= 'Z') === (d <= 'Z')) items.push(`${escapeClassChar(otherCase(c))}-${escapeClassChar(otherCase(d))}`);
      j += 3;
      continue;
    }
    items.push(escapeClassChar(c));
    if (fold && isLetter(c)) items.push(otherCase(c));
    j++;
  }
  if (j >= p.length) throw new Error('unterminated "[" bracket expression');
  return { out: `${out}${items.join('')}]`, end: j + 1 };
}

/** POSIX ERE → JavaScript source; `fold` makes ASCII letters match either case (i;ascii-casemap). */
export function translatePosix(p: string, fold: boolean): string {
  if (p.length > MAX_PATTERN) throw new Error(`pattern longer than ${MAX_PATTERN} characters`);
  let out = '';
  for (let i = 0; i < p.length;) {
    const c = p[i];
    if (c === '\\') {
      const d = p[i + 1];
      if (d === undefined) throw new Error('trailing backslash');
      if (/[1-9]/.test(d)) throw new Error('back-references are not supported');
      out += isLetter(d) && !/[wWsSdDbBntrf]/.test(d) ? d : `\\${d}`;
      i += 2;
    } else if (c === '[') {
      const b = bracket(p, i, fold);
      out += b.out;
      i = b.end;
    } else if (c === '(' && p[i + 1] === '?') {
      throw new Error('"(?" is not POSIX syntax');
    } else if (fold && isLetter(c)) {
      out += `[${c}${otherCase(c)}]`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Nested quantifiers ("(a+)*"): the shape of catastrophic backtracking, refused when the linear engine is absent. */
function nestedQuantifier(source: string): boolean {
  return /\)[*+?{]/.test(source) && /[*+}]/.test(source.replace(/\\./g, ''));
}

export interface SieveRegex {
  exec(subject: string): RegExpExecArray | null;
}

export function buildRegex(pattern: string, comparator: Comparator): SieveRegex {
  const source = translatePosix(pattern, comparator !== 'i;octet');
  if (LINEAR) {
    let re: RegExp;
    try {
      re = new RegExp(source, LINEAR_FLAGS);
    } catch (err) {
      throw new Error((err as Error).message.replace(/^Invalid regular expression: /, ''), { cause: err });
    }
    return { exec: (s) => re.exec(s) };
  }
  if (nestedQuantifier(source)) throw new Error('nested repetition is not allowed');
  const re = new RegExp(source, 's');
  return { exec: (s) => re.exec(s.length > FALLBACK_SUBJECT_CAP ? s.slice(0, FALLBACK_SUBJECT_CAP) : s) };
}

const compiled = new WeakMap<Str, SieveRegex>();

/** Compiles the constant keys of a :regex test, refusing a bad pattern at its position. */
export function compileRegexKeys(args: readonly StringArg[], keys: readonly Str[], comparator: Comparator): void {
  keys.forEach((key, i) => {
    if (key.vars) return;
    try {
      compiled.set(key, buildRegex(key.text, comparator));
    } catch (err) {
      throw new SieveSyntaxError(`bad regular expression: ${(err as Error).message}`, args[i] as SievePosition);
    }
  });
}

/** The regex of a key at run time: compiled once for constants, built from the expanded text otherwise (null when invalid). */
export function regexOf(key: Str, text: string, comparator: Comparator): SieveRegex | null {
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  try {
    return buildRegex(text, comparator);
  } catch {
    return null;
  }
}
