// IMAP keywords as Stoa stores them (RFC 9051 §9 flag-keyword = atom): the
// importer keeps the source's keywords and turns Exchange/Outlook
// categories ("Red category", "Projekt X") into keywords by replacing what
// an atom cannot hold, the way Thunderbird and Dovecot do for tags.

const SYSTEM = new Map(['\\seen', '\\answered', '\\flagged', '\\deleted', '\\draft'].map((f) => [f, `\\${f[1].toUpperCase()}${f.slice(2)}`]));
// Not allowed in an atom: controls, space, ( ) { % * " \ ] (RFC 9051 §9 atom-specials).
const NOT_ATOM = /[\x00-\x20\x7f(){%*"\\\]]/g;

/** A category or foreign keyword as a keyword atom; null when nothing usable is left. */
export function keywordOf(name: string): string | null {
  const cleaned = name.normalize('NFC').trim().replace(NOT_ATOM, '_').slice(0, 100);
  return cleaned === '' || /^_+$/.test(cleaned) ? null : cleaned;
}

/**
 * Splits what a source reports into system flags Stoa keeps and keywords,
 * dropping \Recent (RFC 9051 §2.3.2: session-only) and any other
 * backslash flag a server invented.
 */
export function splitFlags(flags: Iterable<string>): { flags: string[]; keywords: string[] } {
  const system = new Set<string>();
  const keywords = new Map<string, string>();
  for (const flag of flags) {
    if (flag.startsWith('\\')) {
      const known = SYSTEM.get(flag.toLowerCase());
      if (known) system.add(known);
      continue;
    }
    const k = keywordOf(flag);
    if (k && !keywords.has(k.toLowerCase())) keywords.set(k.toLowerCase(), k);
  }
  return { flags: [...system], keywords: [...keywords.values()] };
}
