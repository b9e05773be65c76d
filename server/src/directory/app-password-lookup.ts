// One lookup finds the app password a secret can be (issue 16 item 5). An app
// password is 16 letters (password-policy.ts); the store keeps, beside its
// argon2id hash, a keyed hash of its first four letters. A login computes
// that key from what was typed, fetches at most one record and checks one
// argon2 hash, whatever the number of app passwords, so failures cost the
// same for every account and do not tell which accounts use app passwords.
//
// The key is the account id, not a secret: the lookup reveals at most the
// first four letters (26^4 ≈ 2^18.8 guesses to recover them), and the other
// twelve (≈ 2^56.4) stay behind argon2id. Creation keeps lookups unique per
// account, so one record is all a lookup can find.
import { createHmac } from 'node:crypto';

export const LOOKUP_LETTERS = 4;

export function appPasswordLookup(accountId: string, canonicalSecret: string): string {
  return createHmac('sha256', `stoa:app-password-lookup:${accountId}`).update(canonicalSecret.slice(0, LOOKUP_LETTERS)).digest('base64url').slice(0, 22);
}
