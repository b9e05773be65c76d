// Reading and matching IMAP responses for the scripted conformance suite:
// a tokenizer that turns one response (literals included) into a tree of
// atoms, strings and lists, and a matcher for expectations written in the
// same syntax. Written against the RFC 9051 §7 / RFC 3501 §7 response
// grammar, not against Stoa's serializer, so the same expectations hold for
// any server (the Dovecot comparison runs them too).
//
// Expectation syntax (the actual response's syntax, plus):
//   $_        any one item
//   $...      the rest of a list (or of the response): zero or more items
//   ${name}   captures an item; a later ${name} (in an expectation or a
//             command) must be / is replaced by the same value
// Matching where the RFC leaves the order open:
//   - flag lists (FLAGS, PERMANENTFLAGS), LIST/LSUB attributes, CAPABILITY,
//     ENABLED and SEARCH results compare as sets;
//   - FETCH and STATUS attribute lists and ESEARCH return data compare as
//     maps (key → value, any order);
//   - sequence sets compare by the numbers they name ("1:3" = "1,2,3");
//   - atoms compare case-insensitively, strings and literals exactly
//     (a quoted string equals a literal with the same bytes).

export type Item =
  | { t: 'atom'; v: string }
  | { t: 'str'; v: string }
  | { t: 'list'; open: '(' | '['; items: Item[] };

/** One logical response: its text with each literal replaced by "{#k}", and the literals' bytes (latin1). */
export interface RawResponse { text: string; literals: string[] }

const SECTIONED = /^(BODY|BODY\.PEEK|BINARY|BINARY\.PEEK|BINARY\.SIZE)$/i;

/** Tokenizes a response. */
export function parseResponse(raw: RawResponse): Item[] {
  const { text } = raw;
  let i = 0;
  const root: Item[] = [];
  const stack: Item[][] = [root];
  const opens: Array<'(' | '['> = [];
  const top = (): Item[] => stack[stack.length - 1];
  while (i < text.length) {
    const c = text[i];
    if (c === ' ') { i++; continue; }
    if (c === '(' || c === '[') {
      const list: Item = { t: 'list', open: c, items: [] };
      top().push(list);
      stack.push(list.items);
      opens.push(c);
      i++;
      continue;
    }
    if ((c === ')' || c === ']') && stack.length > 1) {
      stack.pop();
      opens.pop();
      i++;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        v += text[i++];
      }
      i++;
      top().push({ t: 'str', v });
      continue;
    }
    const literal = /^\{#(\d+)\}/.exec(text.slice(i, i + 16));
    if (literal) {
      top().push({ t: 'str', v: raw.literals[Number(literal[1])] ?? '' });
      i += literal[0].length;
      continue;
    }
    let j = i;
    // An atom ends at a space, a parenthesis or a closing "]" of an open section; "[" starts a
    // section only after a fetch item name (BODY[…], BINARY[…]): elsewhere it is an atom character.
    while (j < text.length && text[j] !== ' ' && text[j] !== '(' && text[j] !== ')' && text[j] !== '"'
      && !(text[j] === '[' && SECTIONED.test(text.slice(i, j))) && !(text[j] === ']' && opens.includes('['))) j++;
    if (j === i) j = i + 1;
    top().push({ t: 'atom', v: text.slice(i, j) });
    i = j;
  }
  return root;
}

/** The IMAP text of an item (for messages and for substituting captures). */
export function render(item: Item): string {
  if (item.t === 'atom') return item.v;
  if (item.t === 'str') return JSON.stringify(item.v);
  const inner = item.items.map(render).join(' ');
  return item.open === '(' ? `(${inner})` : `[${inner}]`;
}

export type Captures = Map<string, Item>;

type Shape = 'ordered' | 'set' | 'map';

const SET_AFTER = new Set(['FLAGS', 'PERMANENTFLAGS']);
const SEQSET = /^(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*$/;

function atomIs(item: Item | undefined, word: string): boolean {
  return item?.t === 'atom' && item.v.toUpperCase() === word;
}

function expandSet(text: string): string | null {
  if (!SEQSET.test(text) || text.includes('*')) return null;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [a, b] = part.split(':').map(Number);
    const [lo, hi] = b === undefined ? [a, a] : [Math.min(a, b), Math.max(a, b)];
    if (hi - lo > 100000) return null;
    for (let n = lo; n <= hi; n++) out.add(n);
  }
  return [...out].sort((x, y) => x - y).join(',');
}

function sameAtom(e: string, a: string): boolean {
  if (e.toUpperCase() === a.toUpperCase()) return true;
  const x = expandSet(e);
  return x !== null && x === expandSet(a);
}

class Matcher {
  readonly captures: Captures;
  constructor(captures: Captures) {
    this.captures = captures;
  }

  item(e: Item, a: Item, shape: Shape = 'ordered'): boolean {
    if (e.t === 'atom' && e.v === '$_') return true;
    if (e.t === 'atom' && /^\$\{\w+\}$/.test(e.v)) {
      const bound = this.captures.get(e.v);
      if (bound) return this.item(bound, a);
      this.captures.set(e.v, a);
      return true;
    }
    // A mailbox name or other string may come as an atom or a quoted string (RFC 3501 §4.3 astring); NIL is not a string.
    if (e.t !== a.t) return e.t !== 'list' && a.t !== 'list' && e.v === a.v && e.v.toUpperCase() !== 'NIL';
    if (e.t === 'atom') return sameAtom(e.v, (a as { v: string }).v);
    if (e.t === 'str') return e.v === (a as { v: string }).v;
    const al = a as Extract<Item, { t: 'list' }>;
    if (e.open !== al.open) return false;
    return this.items(e.items, al.items, shape);
  }

  /** Matches a sequence of items in order; lists take the shape their position gives them. */
  items(expected: Item[], actual: Item[], shape: Shape): boolean {
    if (shape === 'set') return this.set(expected, actual);
    if (shape === 'map') return this.map(expected, actual);
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      if (e.t === 'atom' && e.v === '$...') return true;
      const a = actual[i];
      if (a === undefined || !this.item(e, a, nestedShape(actual.slice(0, i), e))) return false;
    }
    return expected.length === actual.length;
  }

  /** Unordered; "$..." allows extra items. Backtracks over captures by trying each pairing. */
  set(expected: Item[], actual: Item[]): boolean {
    const open = expected.some((e) => e.t === 'atom' && e.v === '$...');
    const wanted = expected.filter((e) => !(e.t === 'atom' && e.v === '$...'));
    const used = new Set<number>();
    for (const e of wanted) {
      const k = actual.findIndex((a, i) => !used.has(i) && this.tryItem(e, a));
      if (k < 0) return false;
      used.add(k);
    }
    return open || used.size === actual.length;
  }

  private tryItem(e: Item, a: Item, shape: Shape = 'ordered'): boolean {
    const saved = new Map(this.captures);
    if (this.item(e, a, shape)) return true;
    this.captures.clear();
    for (const [k, v] of saved) this.captures.set(k, v);
    return false;
  }

  /** Key/value pairs in any order; a key is an atom, with a "[section]" list and a "<origin>" atom when present. */
  map(expected: Item[], actual: Item[]): boolean {
    const open = expected.some((e) => e.t === 'atom' && e.v === '$...');
    const ep = pairs(expected.filter((e) => !(e.t === 'atom' && e.v === '$...')));
    const ap = pairs(actual);
    if (!ep || !ap) return false;
    const used = new Set<number>();
    for (const [key, value] of ep) {
      const k = ap.findIndex(([ak], i) => !used.has(i) && ak.toUpperCase() === key.toUpperCase());
      if (k < 0) return false;
      used.add(k);
      const shape: Shape = /^(FLAGS)$/i.test(key) ? 'set' : 'ordered';
      if (!this.item(value, ap[k][1], shape)) return false;
    }
    return open || used.size === ap.length;
  }
}

/** The shape of a list item given what precedes it in its response. */
function nestedShape(before: Item[], item: Item): Shape {
  if (item.t !== 'list') return 'ordered';
  const prev = before[before.length - 1];
  if (prev?.t === 'atom' && SET_AFTER.has(prev.v.toUpperCase())) return 'set';
  if (prev?.t === 'atom' && (prev.v.toUpperCase() === 'LIST' || prev.v.toUpperCase() === 'LSUB')) return 'set';
  if (prev?.t === 'atom' && prev.v.toUpperCase() === 'FETCH') return 'map';
  if (before.length >= 2 && atomIs(before[1], 'STATUS') && before.length === 3) return 'map';
  return 'ordered';
}

function pairs(items: Item[]): Array<[string, Item]> | null {
  const out: Array<[string, Item]> = [];
  let i = 0;
  while (i < items.length) {
    const k = items[i];
    if (k.t !== 'atom') return null;
    let key = k.v;
    i++;
    if (items[i]?.t === 'list' && (items[i] as Extract<Item, { t: 'list' }>).open === '[') key += render(items[i++]);
    if (items[i]?.t === 'atom' && /^<\d+>$/.test((items[i] as { v: string }).v)) key += (items[i++] as { v: string }).v;
    const v = items[i++];
    if (v === undefined) return null;
    out.push([key, v]);
  }
  return out;
}

/**
 * Whether an actual response matches an expectation. Captures made by a
 * successful match are kept in `captures`; a failed match leaves them as
 * they were.
 */
export function matches(expected: string, actual: Item[], captures: Captures): boolean {
  const work = new Map(captures);
  const e = parseResponse({ text: expected, literals: [] });
  const m = new Matcher(work);
  const ok = matchResponse(m, e, actual);
  if (ok) for (const [k, v] of work) captures.set(k, v);
  return ok;
}

function matchResponse(m: Matcher, e: Item[], a: Item[]): boolean {
  const isDots = (x: Item | undefined): boolean => x?.t === 'atom' && x.v === '$...';
  // Status responses: the status and the response code count, not the human-readable text.
  if (['OK', 'NO', 'BAD', 'BYE', 'PREAUTH'].some((s) => atomIs(a[1], s) && atomIs(e[1], s))) {
    const codeOf = (items: Item[]): Item[] => (items[2]?.t === 'list' && items[2].open === '[' ? [items[2]] : []);
    if (e.some(isDots)) return m.items(e, a, 'ordered');
    // Without a code in the expectation any code (or none) is fine.
    const ex = [...e.slice(0, 2), ...codeOf(e)];
    return m.items(ex, [...a.slice(0, 2), ...(ex.length > 2 ? codeOf(a) : [])], 'ordered');
  }
  const head = (n: number): boolean => m.items(e.slice(0, n), a.slice(0, n), 'ordered');
  // RFC 9051 §7.3.4 / RFC 4731 §3.1: ESEARCH [correlator] [UID] then return data in any order.
  if (atomIs(a[1], 'ESEARCH')) {
    let ai = 2;
    let ei = 2;
    if (a[ai]?.t === 'list') ai++;
    if (e[ei]?.t === 'list') ei++;
    if (!m.items(e.slice(0, ei), a.slice(0, ai), 'ordered') && !(ei === 2 && head(2))) return false;
    if (atomIs(a[ai], 'UID') !== atomIs(e[ei], 'UID')) return false;
    if (atomIs(a[ai], 'UID')) { ai++; ei++; }
    return m.map(e.slice(ei), a.slice(ai));
  }
  // SEARCH results, capabilities and enabled extensions: sets (RFC 3501 §7.2.5 gives no order).
  if (atomIs(a[1], 'SEARCH') || atomIs(a[1], 'CAPABILITY') || atomIs(a[1], 'ENABLED')) {
    return head(2) && m.set(e.slice(2), a.slice(2));
  }
  return m.items(e, a, 'ordered');
}

/** Replaces ${name} in a command with the captured value's text (strings unquoted: they are used as atoms or numbers). */
export function substitute(command: string, captures: Captures): string {
  return command.replace(/\$\{\w+\}/g, (whole) => {
    const v = captures.get(whole);
    if (!v) return whole;
    return v.t === 'str' ? v.v : render(v);
  });
}
