// QUOTA (RFC 9208) enforcement. Runs inside the transaction that adds the
// messages, against usage maintained by that same store, so two concurrent
// deliveries cannot both squeeze under the limit (SQLite serialises writers;
// on MongoDB both transactions write the usage document and one retries).
import { StoaError } from '../errors/catalogue.ts';
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

/** Throws STOA_OVER_QUOTA / STOA_MESSAGE_EXCEEDS_QUOTA if adding these message sizes would pass a limit (0 = unlimited). */
export async function assertQuota(tx: StoreTx, accountId: string, sizes: readonly number[]): Promise<void> {
  if (sizes.length === 0) return;
  const limits = await limitsOf(tx, accountId);
  if (limits.bytes === 0 && limits.messages === 0) return;
  const largest = Math.max(...sizes);
  if (limits.bytes > 0 && largest > limits.bytes) {
    throw new StoaError('STOA_MESSAGE_EXCEEDS_QUOTA', `${largest} bytes against a quota of ${limits.bytes}`);
  }
  const usage = await tx.messages.usage(accountId);
  const bytes = sizes.reduce((n, s) => n + s, 0);
  if (limits.bytes > 0 && usage.bytes + bytes > limits.bytes) {
    throw new StoaError('STOA_OVER_QUOTA', `storage ${usage.bytes} + ${bytes} bytes exceeds ${limits.bytes}`);
  }
  if (limits.messages > 0 && usage.messages + sizes.length > limits.messages) {
    throw new StoaError('STOA_OVER_QUOTA', `message count ${usage.messages} + ${sizes.length} exceeds ${limits.messages}`);
  }
}
