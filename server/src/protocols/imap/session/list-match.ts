// LIST patterns (RFC 9051 §6.3.9): "*" matches anything, "%" anything but
// the delimiter; the reference is prefixed to the pattern; INBOX matches
// case-insensitively (RFC 9051 §5.1).
import { DELIMITER } from './namespaces.ts';

export type NameMatcher = (name: string) => boolean;

function canonicalInbox(name: string): string {
  return /^inbox(\/|$)/i.test(name) ? 'INBOX' + name.slice(5) : name;
}

type Step = { kind: 'char'; ch: string } | { kind: 'any' } | { kind: 'level' };

/**
 * The pattern as steps, runs of wildcards collapsed ("**" and "%*" are "*",
 * "%%" is "%"). Compiled to a regular expression a client pattern such as
 * "*a*a*a*a*a*a*a*a*b" backtracked for hours against a long name on the one
 * event loop; matched here as an automaton, in name length × pattern length.
 */
function steps(pattern: string): Step[] {
  const out: Step[] = [];
  for (const ch of pattern) {
    const last = out[out.length - 1];
    if (ch === '*') {
      if (last?.kind === 'any') continue;
      if (last?.kind === 'level') out[out.length - 1] = { kind: 'any' };
      else out.push({ kind: 'any' });
    } else if (ch === '%') {
      if (last?.kind !== 'any' && last?.kind !== 'level') out.push({ kind: 'level' });
    } else {
      out.push({ kind: 'char', ch });
    }
  }
  return out;
}

export function listMatcher(reference: string, pattern: string): NameMatcher {
  const program = steps(canonicalInbox(reference + pattern));
  const literals = program.filter((s) => s.kind === 'char').length;
  const n = program.length;
  /** Wildcards also match nothing: every state after an active wildcard is active too. */
  const close = (states: Uint8Array): void => {
    for (let i = 0; i < n; i++) if (states[i] && program[i].kind !== 'char') states[i + 1] = 1;
  };
  return (name) => {
    const chars = [...name];
    // Each literal of the pattern takes one character of the name.
    if (literals > chars.length) return false;
    let current = new Uint8Array(n + 1);
    current[0] = 1;
    close(current);
    for (const ch of chars) {
      const next = new Uint8Array(n + 1);
      let alive = false;
      for (let i = 0; i < n; i++) {
        if (!current[i]) continue;
        const step = program[i];
        if (step.kind === 'char') {
          if (step.ch === ch) { next[i + 1] = 1; alive = true; }
        } else if (step.kind === 'any' || ch !== DELIMITER) {
          next[i] = 1;
          alive = true;
        }
      }
      if (!alive) return false;
      close(next);
      current = next;
    }
    return current[n] === 1;
  };
}

/** Whether any of the patterns could match below `name` (RFC 5258 §3.5 CHILDINFO needs it). */
export function anyMatch(matchers: readonly NameMatcher[], name: string): boolean {
  return matchers.some((m) => m(name));
}
