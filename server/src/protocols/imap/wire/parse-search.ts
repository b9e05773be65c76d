// SEARCH, SORT and THREAD: search keys of RFC 9051 §6.4.4 and RFC 3501
// §6.4.4, with RFC 4731 (ESEARCH RETURN), RFC 5182 (SEARCHRES), RFC 7162
// §3.1.5 (MODSEQ), RFC 5032 (WITHIN), RFC 8474 (OBJECTID), RFC 8514
// (SAVEDATE), RFC 6203 (FUZZY), RFC 5256 (SORT, THREAD), RFC 5957 (DISPLAY sort).
import type { CommandBody, SearchKey, SearchReturnOption, SortCriterion } from './command-types.ts';
import { type Lexer } from './lexer.ts';
import { readFlag } from './arguments.ts';
import { readDate } from './date-time.ts';
import { readSequenceSet } from './sequence-set.ts';

const FLAG_KEYS = new Set(['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'NEW', 'OLD', 'RECENT', 'SEEN',
  'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN', 'SAVEDATESUPPORTED']);
const STRING_KEYS = new Set(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);
const DATE_KEYS = new Set(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE', 'SAVEDBEFORE', 'SAVEDON', 'SAVEDSINCE']);

/** RFC 8474 §3 objectid = 1*255(ALPHA / DIGIT / "_" / "-"). */
function readObjectId(lx: Lexer): string {
  const id = lx.run((b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d, 'an object id');
  if (id.length > 255) lx.fail('Object id too long');
  return id;
}

/** search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer (RFC 7162 §7). */
function readModseqKey(lx: Lexer): SearchKey {
  lx.sp();
  let entry: { name: string; type: 'priv' | 'shared' | 'all' } | null = null;
  if (lx.peek() === 0x22) {
    // entry-name = entry-flag-name: a quoted "/flags/" path; the type follows it.
    const name = lx.quoted().toString('latin1');
    lx.sp();
    const type = lx.keyword().toLowerCase();
    if (type !== 'priv' && type !== 'shared' && type !== 'all') lx.fail('Invalid MODSEQ entry type');
    entry = { name, type };
    lx.sp();
  }
  return { key: 'MODSEQ', modseq: lx.number64(), entry };
}

/**
 * The NOT / OR / group operands recurse; they count against the same depth
 * limit as parentheses so "NOT NOT NOT …" cannot exhaust the stack.
 */
export function readSearchKey(lx: Lexer): SearchKey {
  lx.nest();
  const key = readSearchKeyInner(lx);
  lx.unnest();
  return key;
}

function readSearchKeyInner(lx: Lexer): SearchKey {
  const b = lx.peek();
  if (b === 0x28) {
    lx.open();
    const criteria: SearchKey[] = [];
    do criteria.push(readSearchKey(lx));
    while (lx.moreArgs(0x29));
    lx.close();
    return { key: 'AND', criteria };
  }
  if ((b >= 0x30 && b <= 0x39) || b === 0x2a || b === 0x24) return { key: 'SEQUENCE', set: readSequenceSet(lx) };
  const key = lx.keyword();
  if (FLAG_KEYS.has(key)) return { key } as SearchKey;
  if (STRING_KEYS.has(key)) {
    lx.sp();
    return { key, value: lx.astringText() } as SearchKey;
  }
  if (DATE_KEYS.has(key)) {
    lx.sp();
    return { key, date: readDate(lx) } as SearchKey;
  }
  switch (key) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      lx.sp();
      return { key, flag: readFlag(lx) };
    case 'HEADER': {
      lx.sp();
      const field = lx.astring().toString('latin1');
      lx.sp();
      return { key, field, value: lx.astringText() };
    }
    case 'LARGER':
    case 'SMALLER': {
      lx.sp();
      const size = lx.number64();
      // Sizes beyond 2^53 match nothing real; clamp so callers use plain numbers.
      return { key, size: size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size) };
    }
    case 'UID':
      lx.sp();
      return { key, set: readSequenceSet(lx) };
    case 'NOT':
    case 'FUZZY':
      lx.sp();
      return { key, criterion: readSearchKey(lx) };
    case 'OR': {
      lx.sp();
      const left = readSearchKey(lx);
      lx.sp();
      return { key, left, right: readSearchKey(lx) };
    }
    case 'MODSEQ':
      return readModseqKey(lx);
    case 'OLDER':
    case 'YOUNGER':
      lx.sp();
      return { key, seconds: lx.nzNumber() };
    case 'EMAILID':
    case 'THREADID':
      lx.sp();
      return { key, id: readObjectId(lx) };
    default:
      return lx.fail(`Unknown search key ${key}`);
  }
}

function readSearchKeys(lx: Lexer): SearchKey[] {
  const keys: SearchKey[] = [];
  do keys.push(readSearchKey(lx));
  while (lx.moreArgs());
  return keys;
}

const RETURN_OPTIONS = new Set(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);

/** search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" (RFC 4731 §3.1). */
function readReturnOptions(lx: Lexer): SearchReturnOption[] | null {
  if (lx.peekWord(7) !== 'RETURN ') return null;
  lx.keyword();
  lx.sp();
  lx.open();
  const opts: SearchReturnOption[] = [];
  while (lx.peek() !== 0x29) {
    if (opts.length > 0) lx.sp();
    const opt = lx.keyword();
    if (!RETURN_OPTIONS.has(opt)) lx.fail(`Unknown search return option ${opt}`);
    if (!opts.includes(opt as SearchReturnOption)) opts.push(opt as SearchReturnOption);
  }
  lx.close();
  lx.sp();
  return opts;
}

function readCharset(lx: Lexer): string {
  return lx.astring().toString('latin1').toUpperCase();
}

export function parseSearch(lx: Lexer, uid: boolean): CommandBody {
  lx.sp();
  const ret = readReturnOptions(lx);
  let charset: string | null = null;
  if (lx.peekWord(8) === 'CHARSET ') {
    lx.keyword();
    lx.sp();
    charset = readCharset(lx);
    lx.sp();
  }
  const criteria = readSearchKeys(lx);
  return { name: 'SEARCH', uid, charset, criteria, return: ret };
}

const SORT_KEYS = new Set(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);

/** sort = ["UID" SP] "SORT" [sort-return-opts] SP sort-criteria SP search-charset 1*(SP search-key) (RFC 5256 §5, RFC 5267 §3.2). */
export function parseSort(lx: Lexer, uid: boolean): CommandBody {
  lx.sp();
  const ret = readReturnOptions(lx);
  lx.open();
  const criteria: SortCriterion[] = [];
  do {
    let word = lx.keyword();
    const reverse = word === 'REVERSE';
    if (reverse) {
      lx.sp();
      word = lx.keyword();
    }
    if (!SORT_KEYS.has(word)) lx.fail(`Unknown sort key ${word}`);
    criteria.push({ reverse, key: word as SortCriterion['key'] });
  } while (lx.moreArgs(0x29));
  lx.close();
  lx.sp();
  const charset = readCharset(lx);
  lx.sp();
  return { name: 'SORT', uid, criteria, charset, search: readSearchKeys(lx), return: ret };
}

/** thread = ["UID" SP] "THREAD" SP thread-alg SP search-charset 1*(SP search-key) (RFC 5256 §5). */
export function parseThread(lx: Lexer, uid: boolean): CommandBody {
  lx.sp();
  const algorithm = lx.keyword();
  lx.sp();
  const charset = readCharset(lx);
  lx.sp();
  return { name: 'THREAD', uid, algorithm, charset, search: readSearchKeys(lx) };
}
