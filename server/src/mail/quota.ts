// QUOTA (RFC 9208) enforcement. Runs inside the transaction that adds the
// messages, against usage maintained by that same store, so two concurrent
// deliveries cannot both squeeze under the limit (SQLite serialises writers;
// on MongoDB both transactions write the usage document and one retries).
// An account's storage quota is one budget for its mail and its calendars,
// address books and files (DAV): both sides count both, here.
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { Usage } from '../model/mail.ts';
import type { StoreTx } from '../store/port.ts';
import { publicFolderDomain } from './public-folders.ts';

export interface QuotaLimits { bytes: number; messages: number }

export async function limitsOf(tx: StoreTx, accountId: string): Promise<QuotaLimits> {
  // Public folders belong to their domain, which has no quota of its own: their usage is counted, not limited.
  if (publicFolderDomain(accountId) !== null) return { bytes: 0, messages: 0 };
  // A shared mailbox has a quota of its own, like an account.
  const account = await tx.accounts.get(accountId) ?? await tx.sharedMailboxes.get(accountId);
  if (!account) throw new StoaError('STOA_NOT_FOUND', `account ${accountId}`);
  return { bytes: account.quotaBytes, messages: account.quotaMessages };
}

/**
 * What counts against the account's quota: bytes of its mail and of its DAV
 * objects (the STORAGE resource), and its messages (MESSAGE).
 */
export async function storageUsage(tx: Pick<StoreTx, 'messages' | 'dav'>, accountId: string): Promise<Usage> {
  const [mail, dav] = await Promise.all([tx.messages.usage(accountId), tx.dav.usage(accountId)]);
  return { bytes: mail.bytes + dav.bytes, messages: mail.messages };
}

/**
 * The DAV side (collections/collection-service.ts): `growth` more bytes of
 * calendar, contact or file data. Throws STOA_OVER_QUOTA when mail and DAV
 * together would pass quotaBytes (0 = unlimited); shrinking always passes.
 */
export async function assertStorageQuota(tx: StoreTx, accountId: string, growth: number): Promise<void> {
  if (growth <= 0) return;
  const limits = await limitsOf(tx, accountId).catch((err: unknown) => {
    if (isStoaError(err, 'STOA_NOT_FOUND')) return null;
    throw err;
  });
  // Resources (rooms) own calendars but have no account and no quota.
  if (!limits || limits.bytes === 0) return;
  const usage = await storageUsage(tx, accountId);
  if (usage.bytes + growth > limits.bytes) {
    throw new StoaError('STOA_OVER_QUOTA', `storage ${usage.bytes} + ${growth} bytes exceeds ${limits.bytes}`);
  }
}

/** Throws STOA_OVER_QUOTA / STOA_MESSAGE_EXCEEDS_QUOTA if adding these message sizes would pass a limit (0 = unlimited). */
export async function assertQuota(tx: StoreTx, accountId: string, sizes: readonly number[]): Promise<void> {
  if (sizes.length === 0) return;
  const limits = await limitsOf(tx, accountId);
  if (limits.bytes === 0 && limits.messages === 0) return;
  const largest = Math.max(...sizes);
  if (limits.bytes > 0 && largest > limits.bytes) {
    throw new StoaError('STOA_MESSAGE_EXCEEDS_QUOTA', `${largest} bytes against a quota of ${limits.bytes}`);
  }
  const usage = await storageUsage(tx, accountId);
  const bytes = sizes.reduce((n, s) => n + s, 0);
  if (limits.bytes > 0 && usage.bytes + bytes > limits.bytes) {
    throw new StoaError('STOA_OVER_QUOTA', `storage ${usage.bytes} + ${bytes} bytes exceeds ${limits.bytes}`);
  }
  if (limits.messages > 0 && usage.messages + sizes.length > limits.messages) {
    throw new StoaError('STOA_OVER_QUOTA', `message count ${usage.messages} + ${sizes.length} exceeds ${limits.messages}`);
  }
}
