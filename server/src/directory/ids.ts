// Object ids: random, URL-safe and opaque, so they reveal neither creation
// order nor how many objects exist (unlike counters), and can appear in API
// paths without escaping.
import { randomBytes } from 'node:crypto';

/** 12 random bytes → 16 base64url characters (96 bits). */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** ISO 8601 UTC timestamp for `createdAt`/`updatedAt` and audit entries. */
export function isoNow(nowMs: number = Date.now()): string {
  return new Date(nowMs).toISOString();
}
