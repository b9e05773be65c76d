// A POP3 session's view of INBOX (RFC 1939 §§5–6): a snapshot taken at
// login, numbered 1..n in UID order. Messages that arrive later are not
// seen until the next session; DELE only marks, RSET unmarks, and the marks
// are applied at QUIT (the UPDATE state) through the mail service, which
// publishes the expunge to IMAP sessions. A dropped connection applies
// nothing. Messages retrieved with RETR get \Seen at QUIT too (pop3.markSeen,
// as Dovecot and Exchange do, so IMAP and webmail show them read; RSET
// forgets them like Dovecot's), with the session's own actor.
import type { Readable } from 'node:stream';
import type { Actor } from '../../../directory/api.ts';
import type { MailboxService, MessageService } from '../../../mail/api.ts';
import type { MaildropLock } from '../../../mail/maildrop-lock.ts';
import type { Mailbox } from '../../../model/mail.ts';
import { uidSetOf } from '../../../model/uid-set.ts';
import type { SizeCache } from './size-cache.ts';

/** Keyword that hides a message from POP3 when pop3.keepDeleted is on (docs/pop3.md). */
export const POP3_DELETED_KEYWORD = '$POP3Deleted';

export interface MaildropEntry {
  uid: number;
  blobId: string;
  /** Octets as RETR sends them, before byte-stuffing. */
  size: number;
}

export interface MaildropDeps {
  mailboxes: MailboxService;
  messages: MessageService;
  sizes: SizeCache;
}

export class Maildrop {
  readonly mailbox: Mailbox;
  readonly lock: MaildropLock;
  readonly #actor: Actor;
  readonly #entries: readonly MaildropEntry[];
  readonly #deleted = new Set<number>();
  readonly #retrieved = new Set<number>();
  readonly #messages: MessageService;

  private constructor(mailbox: Mailbox, entries: MaildropEntry[], lock: MaildropLock, actor: Actor, messages: MessageService) {
    this.mailbox = mailbox;
    this.#entries = entries;
    this.lock = lock;
    this.#actor = actor;
    this.#messages = messages;
  }

  /** Snapshots INBOX for the actor's own account, whose maildrop lock the caller holds. */
  static async open(deps: MaildropDeps, actor: Actor, accountId: string, lock: MaildropLock): Promise<Maildrop> {
    const mailbox = (await deps.mailboxes.find(actor, accountId, 'INBOX'))?.mailbox
      ?? (await deps.mailboxes.ensureDefaultMailboxes(actor, accountId)).find((m) => m.name === 'INBOX');
    if (!mailbox) throw new Error(`account ${accountId} has no INBOX`);
    const list = await deps.messages.list(actor, mailbox.id);
    const records = list.uids.length === 0 ? [] : await deps.messages.fetch(actor, mailbox.id, uidSetOf(list.uids));
    // Messages an IMAP client marked \Deleted are on their way out; keepDeleted hides those POP3 already deleted.
    const visible = records
      .filter((r) => !r.flags.includes('\\Deleted') && !r.flags.some((f) => f.toLowerCase() === POP3_DELETED_KEYWORD.toLowerCase()))
      .sort((a, b) => a.uid - b.uid);
    // The POP3 size is recorded with the body at intake; only bodies stored
    // before it was (wireSize null) are measured by streaming, once per node.
    const unsized = visible.filter((r) => r.wireSize === null);
    const measured = await deps.sizes.sizesOf(unsized.map((r) => r.blobId), (blobId) => deps.messages.open(actor, { mailboxId: mailbox.id, blobId }));
    const sizeOf = new Map(unsized.map((r, i) => [r.blobId, measured[i]]));
    const entries = visible.map((r) => ({ uid: r.uid, blobId: r.blobId, size: r.wireSize ?? sizeOf.get(r.blobId)! }));
    return new Maildrop(mailbox, entries, lock, actor, deps.messages);
  }

  get count(): number {
    return this.#entries.length;
  }

  /** The message with this number, unless it is out of range or marked deleted. */
  get(msg: number): MaildropEntry | null {
    if (msg < 1 || msg > this.#entries.length || this.#deleted.has(msg)) return null;
    return this.#entries[msg - 1];
  }

  isDeleted(msg: number): boolean {
    return this.#deleted.has(msg);
  }

  /** Numbers and entries of messages not marked deleted. */
  live(): [number, MaildropEntry][] {
    return this.#entries.flatMap((e, i) => (this.#deleted.has(i + 1) ? [] : [[i + 1, e] as [number, MaildropEntry]]));
  }

  /** RFC 1939 §5 STAT: count and octets, not counting deleted messages. */
  stat(): { count: number; octets: number } {
    const live = this.live();
    return { count: live.length, octets: live.reduce((sum, [, e]) => sum + e.size, 0) };
  }

  /** RFC 1939 §7 UIDL: stable across sessions; uidValidity changes only when the mailbox is recreated. */
  uniqueId(entry: MaildropEntry): string {
    return `${this.mailbox.uidValidity}.${entry.uid}`;
  }

  markDeleted(msg: number): void {
    this.#deleted.add(msg);
  }

  reset(): void {
    this.#deleted.clear();
    this.#retrieved.clear();
  }

  /** RETR sent this message: it gets \Seen at QUIT when pop3.markSeen is on. */
  markRetrieved(msg: number): void {
    this.#retrieved.add(msg);
  }

  open(entry: MaildropEntry): Promise<Readable> {
    return this.#messages.open(this.#actor, { mailboxId: this.mailbox.id, blobId: entry.blobId });
  }

  /**
   * The UPDATE state (RFC 1939 §6). Only the marked UIDs are touched, so a
   * message an IMAP client flagged \Deleted meanwhile is left to IMAP.
   */
  async commit(keepDeleted: boolean, markSeen = false): Promise<number> {
    const seen = [...this.#retrieved].filter((msg) => !this.#deleted.has(msg)).map((msg) => this.#entries[msg - 1].uid);
    if (markSeen && seen.length > 0) await this.#messages.storeFlags(this.#actor, this.mailbox.id, uidSetOf(seen), { mode: 'add', flags: ['\\Seen'] });
    const uids = [...this.#deleted].map((msg) => this.#entries[msg - 1].uid);
    if (uids.length === 0) return 0;
    const set = uidSetOf(uids);
    if (keepDeleted) {
      await this.#messages.storeFlags(this.#actor, this.mailbox.id, set, { mode: 'add', flags: ['\\Seen', POP3_DELETED_KEYWORD] });
      return uids.length;
    }
    await this.#messages.storeFlags(this.#actor, this.mailbox.id, set, { mode: 'add', flags: ['\\Deleted'] });
    const result = await this.#messages.expunge(this.#actor, this.mailbox.id, set);
    return result.uids.length;
  }
}
