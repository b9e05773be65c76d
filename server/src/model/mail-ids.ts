// RFC 8474 object ids, derived rather than stored in a counter so every
// adapter and every node computes the same value.
import { createHash, randomBytes } from 'node:crypto';

function digest(...parts: string[]): string {
  // base64url keeps to the objectid grammar (ALPHA / DIGIT / "-" / "_").
  return createHash('sha256').update(parts.join('\0')).digest('base64url').slice(0, 24);
}

/** RFC 8474 §5.1: EMAILID is the same for every copy of one content in one account. */
export function emailIdFor(accountId: string, blobId: string): string {
  return `M${digest(accountId, blobId)}`;
}

/** A new thread id, for a message that refers to no message already in the account. */
export function newThreadId(): string {
  return `T${randomBytes(18).toString('base64url')}`;
}

/** The Message-IDs a message points at, nearest parent last (RFC 5256 §2.2 REFERENCES, then In-Reply-To). */
export function threadKeys(headers: { references: readonly string[]; inReplyTo: string | null }): string[] {
  const keys = [...headers.references];
  if (headers.inReplyTo && !keys.includes(headers.inReplyTo)) keys.push(headers.inReplyTo);
  return keys;
}

/**
 * Case- and accent-insensitive form for substring search where the index
 * cannot help. Only the combining diacritical marks block (U+0300–U+036F) is
 * dropped, as FTS5's remove_diacritics does: marks that change a letter
 * (kana voicing U+3099, Indic vowel signs) are kept.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
}
