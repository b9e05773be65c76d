// The change bus: what IDLE (RFC 2177), NOTIFY, DAV sync and the console's
// live view listen to. Services publish only after their transaction has
// committed, so a listener that reads the store sees the change. The
// interface is small so a MongoDB change-stream bus can stand in for the
// in-process one on a multi-node deployment.

import type { CollectionKind } from '../model/dav.ts';

export type MailboxChangeKind = 'exists' | 'expunge' | 'flags' | 'mailbox';

/** Something changed in one mailbox ('mailbox': created, renamed, deleted, its ACL or special-use changed). */
export interface MailboxChange {
  accountId: string;
  mailboxId: string;
  kind: MailboxChangeKind;
  /** New UIDs (exists), removed UIDs (expunge), changed UIDs (flags); empty for mailbox events. */
  uids: readonly number[];
  /** The mailbox's HIGHESTMODSEQ after the change (RFC 7162). */
  modseq: number;
}

/**
 * The account's credentials or standing changed: its password was set, it
 * was disabled or deleted. Every open protocol session of the account ends
 * (a reset password must not leave an attacker's session open).
 */
export interface AccountChange {
  kind: 'account';
  accountId: string;
  change: 'password' | 'disabled' | 'deleted';
}

/**
 * A calendar, address book or folder of the file area changed (DAV): an
 * object was written or deleted, or the collection itself was created,
 * changed, shared or deleted. Published on the owner's topic; DAV push and
 * the console's live views follow it (RFC 6578: `syncSeq` is the sync token
 * the collection has after the change).
 */
export interface DavCollectionChange {
  kind: 'dav';
  /** The collection's owner (an account, or a resource for room calendars). */
  accountId: string;
  collectionId: string;
  collectionKind: CollectionKind;
  /** The object written or deleted; null when the collection itself changed. */
  name: string | null;
  change: 'written' | 'deleted' | 'collection';
  syncSeq: number;
}

export type ChangeEvent = MailboxChange | AccountChange | DavCollectionChange;
export type ChangeKind = ChangeEvent['kind'];

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * Whose changes to hear: every mailbox, collection and the account itself,
 * one mailbox, or every change on the server, account events included (the
 * console's live counters; such listeners must be cheap).
 */
export type ChangeTopic = { accountId: string } | { mailboxId: string } | { all: true };

export interface ChangeBus {
  publish(event: ChangeEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(topic: ChangeTopic, listener: ChangeListener): () => void;
}
