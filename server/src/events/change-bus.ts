// The change bus: what IDLE (RFC 2177), NOTIFY, DAV sync and the console's
// live view listen to. Services publish only after their transaction has
// committed, so a listener that reads the store sees the change. The
// interface is small so a MongoDB change-stream bus can stand in for the
// in-process one on a multi-node deployment.

export type ChangeKind = 'exists' | 'expunge' | 'flags' | 'mailbox';

export interface ChangeEvent {
  accountId: string;
  mailboxId: string;
  kind: ChangeKind;
  /** New UIDs (exists), removed UIDs (expunge), changed UIDs (flags); empty for mailbox events. */
  uids: readonly number[];
  /** The mailbox's HIGHESTMODSEQ after the change (RFC 7162). */
  modseq: number;
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * Whose changes to hear: every mailbox of an account, one mailbox, or every
 * change on the server (the console's live counters; listeners must be cheap).
 */
export type ChangeTopic = { accountId: string } | { mailboxId: string } | { all: true };

export interface ChangeBus {
  publish(event: ChangeEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(topic: ChangeTopic, listener: ChangeListener): () => void;
}
