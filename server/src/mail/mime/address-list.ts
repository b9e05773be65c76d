// RFC 5322 §3.4 address lists (with the obsolete forms of §4.4) parsed the
// way IMAP ENVELOPE needs them (RFC 9051 §7.5.2): display names stay raw
// (encoded words undecoded), groups become start/end markers. Lenient like
// Dovecot's message-address parser: it never fails, it guesses.
import type { EnvelopeAddress } from './types.ts';

interface Token {
  kind: 'atom' | 'quoted' | 'comment' | 'literal' | 'special';
  text: string;
  /** Whitespace (or a comment) came before this token. */
  spaced: boolean;
}

const SPECIALS = '<>@,;:.';

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let spaced = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      spaced = true;
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i++];
      }
      i++;
      tokens.push({ kind: 'quoted', text, spaced });
      spaced = false;
    } else if (c === '(') {
      // RFC 5322 §3.2.2: comments nest.
      let depth = 0;
      let text = '';
      for (; i < input.length; i++) {
        const d = input[i];
        if (d === '\\' && i + 1 < input.length) {
          text += input[++i];
          continue;
        }
        if (d === '(' && depth++ === 0) continue;
        if (d === ')' && --depth === 0) break;
        text += d;
      }
      i++;
      tokens.push({ kind: 'comment', text: text.trim(), spaced });
      spaced = true;
    } else if (c === '[') {
      const close = input.indexOf(']', i);
      const end = close < 0 ? input.length : close + 1;
      tokens.push({ kind: 'literal', text: input.slice(i, end), spaced });
      spaced = false;
      i = end;
    } else if (SPECIALS.includes(c)) {
      tokens.push({ kind: 'special', text: c, spaced });
      spaced = false;
      i++;
    } else {
      let j = i;
      while (j < input.length && !' \t\r\n"()[<>@,;:.'.includes(input[j])) j++;
      if (j === i) j++; // a stray "]" or ")"
      tokens.push({ kind: 'atom', text: input.slice(i, j), spaced });
      spaced = false;
      i = j;
    }
  }
  return tokens;
}

/** Phrase text: words joined with a single space where the sender had whitespace. */
function phrase(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'comment') continue;
    if (out !== '' && t.spaced) out += ' ';
    out += t.text;
  }
  return out.trim();
}

function lastComment(tokens: readonly Token[]): string | null {
  for (let i = tokens.length - 1; i >= 0; i--) if (tokens[i].kind === 'comment' && tokens[i].text !== '') return tokens[i].text;
  return null;
}

/** addr-spec (RFC 5322 §3.4.1) from tokens; a missing part is filled in as Dovecot does. */
function addrSpec(tokens: readonly Token[]): { mailbox: string; host: string } {
  let at = -1;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i].kind === 'special' && tokens[i].text === '@') {
      at = i;
      break;
    }
  }
  const join = (ts: readonly Token[]): string => ts.filter((t) => t.kind !== 'comment').map((t) => t.text).join('');
  const local = join(at < 0 ? tokens : tokens.slice(0, at));
  const domain = at < 0 ? '' : join(tokens.slice(at + 1));
  return { mailbox: local === '' ? 'MISSING_MAILBOX' : local, host: domain === '' ? 'MISSING_DOMAIN' : domain };
}

function mailbox(tokens: Token[]): EnvelopeAddress | null {
  const open = tokens.findIndex((t) => t.kind === 'special' && t.text === '<');
  if (open >= 0) {
    const closeRel = tokens.slice(open + 1).findIndex((t) => t.kind === 'special' && t.text === '>');
    let addr = closeRel < 0 ? tokens.slice(open + 1) : tokens.slice(open + 1, open + 1 + closeRel);
    // RFC 5322 §4.4 obs-route ("@a,@b:") is the source route: IMAP's adl field (RFC 3501 §7.4.2), "@a,@b".
    const colon = addr.findLastIndex((t) => t.kind === 'special' && t.text === ':');
    let adl: string | null = null;
    if (colon >= 0) {
      adl = addr.slice(0, colon).filter((t) => t.kind !== 'comment').map((t) => t.text).join('') || null;
      addr = addr.slice(colon + 1);
    }
    const name = phrase(tokens.slice(0, open)) || lastComment(tokens);
    if (addr.length === 0) {
      // "<>" (null reverse path) carries no address.
      return name === null || name === '' ? null : { name, adl: null, mailbox: 'MISSING_MAILBOX', host: 'MISSING_DOMAIN' };
    }
    return { name: name === '' ? null : name, adl, ...addrSpec(addr) };
  }
  const words = tokens.filter((t) => t.kind !== 'comment');
  if (words.length === 0) return null;
  // No angle brackets: the addr-spec is the run of tokens around the last
  // "@" joined without space, or by "." and "@" with space or comments
  // around them (RFC 5322 §4.4 obs-local-part and obs-domain allow CFWS
  // there: "user (c) @ example.org"); anything before it is a (malformed)
  // display name.
  const at = words.findLastIndex((t) => t.kind === 'special' && t.text === '@');
  const joiner = (t: Token): boolean => t.kind === 'special' && (t.text === '.' || t.text === '@');
  let start = Math.max(at, 0);
  while (start > 0 && (!words[start].spaced || joiner(words[start]) || joiner(words[start - 1]))) start--;
  const before = words.slice(0, start);
  const name = phrase(before) || lastComment(tokens);
  return { name: name === '' ? null : name, adl: null, ...addrSpec(words.slice(start)) };
}

/**
 * Parse an unfolded address-list header value. Group syntax ("team: a@x,
 * b@y;") yields a start marker {mailbox: group name, host: null} and an end
 * marker {mailbox: null, host: null} (RFC 9051 §7.5.2).
 */
export function parseAddressList(value: string): EnvelopeAddress[] {
  const out: EnvelopeAddress[] = [];
  let current: Token[] = [];
  let inAngle = false;
  let inGroup = false;
  const flush = (): void => {
    const m = mailbox(current);
    if (m !== null) out.push(m);
    current = [];
  };
  for (const t of tokenize(value)) {
    if (t.kind === 'special') {
      if (t.text === '<') inAngle = true;
      else if (t.text === '>') inAngle = false;
      else if (!inAngle && t.text === ',') {
        flush();
        continue;
      } else if (!inAngle && t.text === ':' && !inGroup) {
        out.push({ name: null, adl: null, mailbox: phrase(current), host: null });
        current = [];
        inGroup = true;
        continue;
      } else if (!inAngle && t.text === ';') {
        flush();
        if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
        inGroup = false;
        continue;
      }
    }
    current.push(t);
  }
  flush();
  if (inGroup) out.push({ name: null, adl: null, mailbox: null, host: null });
  return out;
}
