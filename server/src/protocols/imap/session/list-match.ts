// LIST patterns (RFC 9051 §6.3.9): "*" matches anything, "%" anything but
// the delimiter; the reference is prefixed to the pattern; INBOX matches
// case-insensitively (RFC 9051 §5.1).
import { DELIMITER } from './namespaces.ts';

export type NameMatcher = (name: string) => boolean;

function canonicalInbox(name: string): string {
  return /^inbox(\/|$)/i.test(name) ? 'INBOX' + name.slice(5) : name;
}

export function listMatcher(reference: string, pattern: string): NameMatcher {
  const full = canonicalInbox(reference + pattern);
  let source = '^';
  for (const ch of full) {
    if (ch === '*') source += '.*';
    else if (ch === '%') source += `[^${DELIMITER}]*`;
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const re = new RegExp(source + '$', 'su');
  return (name) => re.test(name);
}

/** Whether any of the patterns could match below `name` (RFC 5258 §3.5 CHILDINFO needs it). */
export function anyMatch(matchers: readonly NameMatcher[], name: string): boolean {
  return matchers.some((m) => m(name));
}
