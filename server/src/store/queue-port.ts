// The outbound queue's storage port (Postfix's "active/deferred" queues as
// rows): one message row per accepted message, one row per recipient with its
// own delivery state, and an attempt log. Times are ms since the epoch so a
// lease comparison is a plain integer comparison on every backend.
//
// Leasing is what keeps two nodes from sending the same message twice: a
// worker claims due recipients by setting leaseOwner/leaseUntil only where the
// lease is free or expired, in one atomic step, and only the lease owner can
// record an outcome. A dead worker's lease simply runs out.
import type {
  QueuedMessage, QueuedRecipient, DeliveryAttempt, NewQueuedMessage, QueueLease, ClaimOptions, RecipientOutcome, QueueFilter, QueueSummary,
} from '../model/queue.ts';

// The adapters and the contract suite name the model types through this port.
export * from '../model/queue.ts';

export interface QueueStore {
  /** Inserts the message and its recipients and takes one reference on the blob, atomically. */
  enqueue(entry: NewQueuedMessage): Promise<void>;
  /** Leases due open recipients (pending, or final with a notice pending), grouped by (message, domain), whose lease is free or expired. */
  claim(opts: ClaimOptions): Promise<QueueLease[]>;
  /** Extends a lease still held by `owner`; false if it was lost (expired and taken). */
  renew(owner: string, messageId: string, domain: string, until: number): Promise<boolean>;
  /**
   * Applies outcomes for recipients leased by `owner` (others are ignored),
   * appends attempts, clears the lease, sets or clears noticePending, and when no recipient is left open
   * marks the message complete and drops its blob reference.
   * Returns the recipients that were updated and whether the message completed.
   */
  record(owner: string, messageId: string, outcomes: RecipientOutcome[], now: number): Promise<{ updated: string[]; completed: boolean }>;
  /** Frees every lease of `owner` (graceful stop) without counting an attempt. */
  releaseAll(owner: string): Promise<number>;
  get(id: string): Promise<{ message: QueuedMessage; recipients: QueuedRecipient[] } | null>;
  attempts(id: string): Promise<DeliveryAttempt[]>;
  /** Newest first. */
  list(filter: QueueFilter, offset: number, limit: number): Promise<{ items: QueueSummary[]; total: number }>;
  /** Makes every open recipient due at `now` (leases are left alone). */
  retryNow(id: string, now: number): Promise<number>;
  /** Removes the message, its recipients and attempts; drops the blob reference if still held. */
  delete(id: string): Promise<boolean>;
  /** Earliest nextAttemptAt of an open, unleased-or-expired recipient (for the worker's sleep). */
  nextDue(): Promise<number | null>;
  /** Forgets completed messages older than `before`. */
  purgeCompleted(before: number): Promise<number>;
}
