// Collections and indexes of the outbound queue on MongoDB. Recipients are
// their own documents (not an array in the message) so that leasing one
// domain's recipients never contends with another domain's worker.
import type { IndexDescription } from 'mongodb';
import type { DeliveryAttempt, QueuedMessage, QueuedRecipient } from '../queue-port.ts';

export const QUEUE_COLLECTIONS = {
  messages: 'queue_messages',
  recipients: 'queue_recipients',
  attempts: 'queue_attempts',
} as const;

export type QueueMessageDoc = Omit<QueuedMessage, 'id'> & { _id: string };
/** `_id` is "<messageId>\n<address>": unique per message and recipient. */
export type QueueRecipientDoc = Omit<QueuedRecipient, 'noticePending' | 'localFolder'> & {
  _id: string;
  noticePending?: QueuedRecipient['noticePending'];
  /** Absent on documents written before it existed (migration 10 sets it to null). */
  localFolder?: QueuedRecipient['localFolder'];
};
export type QueueAttemptDoc = DeliveryAttempt;

export const QUEUE_INDEXES: Record<string, IndexDescription[]> = {
  [QUEUE_COLLECTIONS.messages]: [
    { key: { createdAt: -1, _id: -1 } },
    { key: { completedAt: 1 } },
    { key: { sender: 1, createdAt: -1 } },
  ],
  [QUEUE_COLLECTIONS.recipients]: [
    { key: { messageId: 1, address: 1 } },
    // The claim scan: pending recipients in due order.
    { key: { nextAttemptAt: 1 }, partialFilterExpression: { status: { $in: ['queued', 'deferred'] } }, name: 'due_pending' },
    { key: { domain: 1, status: 1 } },
    { key: { leaseOwner: 1 } },
  ],
  [QUEUE_COLLECTIONS.attempts]: [{ key: { messageId: 1, at: 1, _id: 1 } }],
};

/** Recipients with a notice still to send (noticePending is absent on documents written before it existed). */
export const QUEUE_NOTICE_INDEX: IndexDescription = {
  key: { nextAttemptAt: 1 }, partialFilterExpression: { noticePending: { $type: 'string' } }, name: 'due_notice',
};

export function recipientDocId(messageId: string, address: string): string {
  return `${messageId}\n${address}`;
}
