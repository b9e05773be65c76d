// What a password must be before it is hashed, and the secrets Stoa generates
// itself (first-start passwords, app passwords).
import { randomBytes, randomInt } from 'node:crypto';
import { StoaError } from '../errors/catalogue.ts';

/** Matches the API schema's maxLength: longer input is a denial-of-service vector for the hash, not security. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Length first (NIST SP 800-63B §5.1.1.2 favours length over composition
 * rules), and never the login itself, the first thing an attacker tries.
 */
export function checkPasswordPolicy(password: string, login: string, minLength: number): void {
  const length = [...password.normalize('NFC')].length;
  if (length < minLength) throw new StoaError('STOA_WEAK_PASSWORD', `the password must have at least ${minLength} characters`);
  if (length > MAX_PASSWORD_LENGTH) throw new StoaError('STOA_WEAK_PASSWORD', `the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  const lowered = password.trim().toLowerCase();
  const loginLower = login.toLowerCase();
  const at = loginLower.lastIndexOf('@');
  const local = at >= 0 ? loginLower.slice(0, at) : loginLower;
  if (lowered === loginLower || lowered === local) {
    throw new StoaError('STOA_WEAK_PASSWORD', 'the password must not be the login name');
  }
  if (/^(.)\1*$/su.test(password)) throw new StoaError('STOA_WEAK_PASSWORD', 'the password must not repeat a single character');
}

/** A strong generated password: 18 random bytes → 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const APP_SECRET_GROUPS = 4;
const APP_SECRET_GROUP_LENGTH = 4;

/**
 * App password secret in the style Apple and Google use: four groups of four
 * lower-case letters ("abcd-efgh-ijkl-mnop"), 16·log2(26) ≈ 75 bits, easy to
 * type on a phone. `randomInt` avoids the modulo bias of byte % 26.
 */
export function generateAppSecret(): string {
  const groups: string[] = [];
  for (let g = 0; g < APP_SECRET_GROUPS; g++) {
    let group = '';
    for (let i = 0; i < APP_SECRET_GROUP_LENGTH; i++) group += LETTERS[randomInt(LETTERS.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * The canonical form hashed and compared: users copy the secret with or
 * without the dashes, with spaces as Google shows it, or in capitals. Null when
 * the input cannot be an app password, so a normal password never pays for
 * app-password hashing.
 */
export function canonicalAppSecret(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '').toLowerCase();
  return /^[a-z]{16}$/.test(compact) ? compact : null;
}
