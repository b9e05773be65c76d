// Homoglyph names (issue 16 item 11): "pаypal" with a Cyrillic "а" reads as
// "paypal". A new local part or domain label must meet Unicode TR 39 §5.2
// "Highly Restrictive": all its letters from one script, or from one of the
// combinations people actually write (Latin with Japanese, with Chinese
// Bopomofo, with Korean). Digits, punctuation and combining marks belong to
// every script (Common and Inherited, TR 39 §5.1). A server admin may
// override this for one object (allowMixedScript); nobody else can.
//
// Whole-script confusables ("раураl" written entirely in Cyrillic) are a
// single script and pass: TR 39's confusable skeletons would catch them and
// are not implemented here.
import { StoaError } from '../errors/catalogue.ts';
import type { Actor } from './api.ts';

// Unicode script codes (ISO 15924) that V8's regular expressions know; the
// list is filtered at load time, so a Node with an older Unicode still works.
const SCRIPT_CODES = (
  'Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd Cakm Cans Cari Cham Cher Chrs ' +
  'Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong Gonm Goth Gran Grek Gujr Gukh Guru ' +
  'Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits Knda Krai Kthi Lana Laoo ' +
  'Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Mlym Modi Mong Mroo Mtei Mult Mymr ' +
  'Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti ' +
  'Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sind Sinh Sogd Sogo Sora Soyo Sund Sunu Sylo Syrc Tagb Takr Tale Talu ' +
  'Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb'
).split(' ');

const SCRIPTS: Array<{ code: string; test: RegExp }> = SCRIPT_CODES.flatMap((code) => {
  try {
    return [{ code, test: new RegExp(`^\\p{scx=${code}}$`, 'u') }];
  } catch {
    return [];
  }
});
/** Characters of every script (TR 39 §5.1: Common and Inherited are ignored). */
const ANY_SCRIPT = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;
const UNASSIGNED = /^\p{Cn}$/u;

// TR 39 §5.1 augmented script sets: Han belongs to Japanese, Chinese (Han with
// Bopomofo) and Korean writing; kana to Japanese; Hangul to Korean.
const AUGMENT: Record<string, string[]> = { Hani: ['Hanb', 'Jpan', 'Kore'], Hira: ['Jpan'], Kana: ['Jpan'], Hang: ['Kore'], Bopo: ['Hanb'] };
/** TR 39 §5.2 Highly Restrictive: single script, or covered by one of these. */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latn', 'Hani', 'Hira', 'Kana']),
  new Set(['Latn', 'Hani', 'Bopo']),
  new Set(['Latn', 'Hani', 'Hang']),
];

const cache = new Map<number, readonly string[] | null>();

/** The scripts of one character (Script_Extensions); null for Common/Inherited; [] for an unassigned code point. */
export function scriptsOf(ch: string): readonly string[] | null {
  const cp = ch.codePointAt(0)!;
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  let result: readonly string[] | null;
  if (cp < 0x80) result = /[A-Za-z]/.test(ch) ? ['Latn'] : null;
  else if (ANY_SCRIPT.test(ch)) result = null;
  else if (UNASSIGNED.test(ch)) result = [];
  else result = SCRIPTS.filter((s) => s.test.test(ch)).map((s) => s.code);
  if (cache.size < 10_000) cache.set(cp, result);
  return result;
}

export interface ScriptVerdict {
  ok: boolean;
  /** The scripts found, e.g. ['Cyrl', 'Latn'], for the message. */
  scripts: string[];
}

/** Does `text` meet TR 39 "Highly Restrictive"? */
export function highlyRestrictive(text: string): ScriptVerdict {
  const perChar: string[][] = [];
  // For the message: scripts of the characters that have only one (a combining mark may have several).
  const found = new Set<string>();
  for (const ch of text) {
    const s = scriptsOf(ch);
    if (s === null) continue;
    if (s.length === 0) return { ok: false, scripts: ['Zzzz'] };
    perChar.push([...s]);
    if (s.length === 1) found.add(s[0]);
  }
  if (perChar.length === 0) return { ok: true, scripts: [] };
  // Single script: the augmented script sets of all characters intersect (TR 39 §5.1 resolved script set).
  const augmented = (s: string[]): Set<string> => new Set(s.flatMap((code) => [code, ...(AUGMENT[code] ?? [])]));
  let resolved = augmented(perChar[0]);
  for (const s of perChar.slice(1)) {
    const next = augmented(s);
    resolved = new Set([...resolved].filter((code) => next.has(code)));
  }
  if (found.size < 2) for (const s of perChar) if (s.length > 1) found.add(s[0]);
  const scripts = [...found].sort();
  if (resolved.size > 0) return { ok: true, scripts };
  const covered = ALLOWED_MIXES.some((mix) => perChar.every((s) => s.some((code) => mix.has(code))));
  return { ok: covered, scripts };
}

/**
 * Refuses a new name that mixes scripts (TR 39 "Highly Restrictive"):
 * the local part of an address, and each label of a domain (in Unicode
 * form). `allow` is honoured for server admins only.
 */
export function checkNewName(actor: Actor, name: { local?: string; domainUnicode?: string }, allow: boolean | undefined): void {
  if (allow) {
    if (actor.role !== 'server-admin') throw new StoaError('STOA_FORBIDDEN', 'only a server admin may allow a name that mixes scripts');
    return;
  }
  const parts: Array<{ what: string; text: string }> = [];
  if (name.local !== undefined && name.local !== '*') parts.push({ what: 'the local part', text: name.local });
  for (const label of name.domainUnicode?.split('.') ?? []) parts.push({ what: `the domain label "${label}"`, text: label });
  for (const part of parts) {
    const verdict = highlyRestrictive(part.text);
    if (verdict.ok) continue;
    const scripts = verdict.scripts.includes('Zzzz') ? 'an unassigned character' : `letters of several scripts (${verdict.scripts.join(', ')})`;
    throw new StoaError('STOA_MIXED_SCRIPT', `${part.what} "${part.text}" has ${scripts}, which can imitate another name (Unicode TR 39 "highly restrictive"); a server admin may allow it with allowMixedScript`);
  }
}
