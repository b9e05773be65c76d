// Flag storage shared by the adapters: system flags as a bit field, keywords
// as a sorted list (RFC 9051 §2.3.2: keywords are atoms, compared
// case-insensitively; we keep the first spelling a client used).
import { StoaError } from '../errors/catalogue.ts';
import { FLAG_BITS, type FlagMode, type SystemFlag } from './mail.ts';

const SYSTEM = Object.entries(FLAG_BITS) as [SystemFlag, number][];
const BY_LOWER = new Map(SYSTEM.map(([name, bit]) => [name.toLowerCase(), bit]));
// RFC 9051 §9 flag-keyword = atom: no specials, no controls, no "\" (except system flags).
const ATOM = /^[^\x00-\x20\x7f(){%*"\\\]]+$/;

export interface EncodedFlags { bits: number; keywords: string[] }

export function encodeFlags(flags: readonly string[]): EncodedFlags {
  let bits = 0;
  const keywords = new Map<string, string>();
  for (const flag of flags) {
    const bit = BY_LOWER.get(flag.toLowerCase());
    if (bit !== undefined) {
      bits |= bit;
      continue;
    }
    // \Recent cannot be stored (RFC 9051 §2.3.2); other backslash flags are not keywords.
    if (!ATOM.test(flag)) throw new StoaError('STOA_VALIDATION', `not a valid flag: ${JSON.stringify(flag)}`);
    if (!keywords.has(flag.toLowerCase())) keywords.set(flag.toLowerCase(), flag);
  }
  return { bits, keywords: [...keywords.values()].sort() };
}

export function decodeFlags(bits: number, keywords: readonly string[] | null): string[] {
  const out: string[] = [];
  for (const [name, bit] of SYSTEM) if (bits & bit) out.push(name);
  if (keywords) out.push(...keywords);
  return out;
}

/** RFC 9051 §6.4.6 STORE FLAGS / +FLAGS / -FLAGS applied to one message. */
export function applyFlags(current: EncodedFlags, mode: FlagMode, change: EncodedFlags): EncodedFlags {
  if (mode === 'replace') return change;
  if (mode === 'add') {
    const merged = new Map(current.keywords.map((k) => [k.toLowerCase(), k]));
    for (const k of change.keywords) if (!merged.has(k.toLowerCase())) merged.set(k.toLowerCase(), k);
    return { bits: current.bits | change.bits, keywords: [...merged.values()].sort() };
  }
  const drop = new Set(change.keywords.map((k) => k.toLowerCase()));
  return { bits: current.bits & ~change.bits, keywords: current.keywords.filter((k) => !drop.has(k.toLowerCase())) };
}

export function sameFlags(a: EncodedFlags, b: EncodedFlags): boolean {
  return a.bits === b.bits && a.keywords.length === b.keywords.length && a.keywords.every((k, i) => k === b.keywords[i]);
}
