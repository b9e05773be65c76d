// The intake service's public face: the one path by which a message enters a
// mailbox or the outbound queue (DESIGN.md "One intake path"). SMTP (MX and
// submission), the queue's local transport, delivery status notifications,
// and later Sieve redirects and vacation replies, calendar invitations and
// webmail submission all call accept(); none of them expands recipients,
// files mail, writes trace headers, signs or enqueues on its own. Front ends
// only map the outcome (or the StoaError/FilterRefusal thrown) to their
// protocol's answer.
import type { Readable } from 'node:stream';
import type { Actor, AddressExpansion } from '../directory/api.ts';
import type { StoaError } from '../errors/catalogue.ts';
import type { Logger } from '../log/logger.ts';
import type { DsnNotify, DsnRet, LocalFolder } from '../model/queue.ts';

/** Where a message comes from; decides which checks and trace fields apply. */
export type OriginKind =
  /** Inbound MX: mail from other servers (filter verdict, SPF/DKIM/DMARC, no relaying). */
  | 'smtp'
  /** Authenticated submission (RFC 6409): the principal's own mail, DKIM-signed, may be relayed. */
  | 'submission'
  /** The queue's local transport retrying a local recipient deferred after acceptance: no expansion, no trace fields but Return-Path. */
  | 'queue'
  /** A delivery status notification or other message the server writes itself (null sender). */
  | 'notice'
  /** A message a Sieve rule or an out-of-office reply sends on a user's behalf. */
  | 'sieve'
  /** A calendar invitation, reply or cancellation (iMIP, RFC 6047) sent for a user: DKIM-signed and judged by the outbound filter like submission. */
  | 'calendar'
  /** A message released from quarantine: accepted and filtered when it arrived, delivered now to the recipients it was held for. */
  | 'release'
  /**
   * A message brought over from another server or a file by the migration
   * tool (issue 15): old mail, stored byte for byte in the folder the
   * importer chose, with its flags and INTERNALDATE (IntakeOrigin.import).
   * What applies: the principal's right to import into the owner (system,
   * server admin, or a domain admin of the owner's domain), the directory's
   * expansion of the one recipient (unknown or disabled owners refused; it
   * must be one account's or shared mailbox's own address), the header
   * section limit, migration.maxMessageBytes, the owner's quota, the MIME
   * index and the change events of any stored message. What it skips, because
   * the message was delivered once already, elsewhere: sender and author
   * checks, the filter (no verdict, no Junk, no quarantine, no
   * Authentication-Results), Sieve and every rule action (no fileinto,
   * redirect, reject, vacation or rule notice), iMIP (an old invitation's
   * calendar part is not handed to the calendar), forwarding and every outbound
   * address, the duplicate guard (the importer is idempotent on Message-ID
   * and content hash itself; the same message in two folders is two copies),
   * trace fields (no Return-Path, Delivered-To or Received: the stored bytes
   * are the source's, so their SHA-256 proves the copy), DKIM signing, the
   * queue, bounces, the shared mailbox Sent copy and the console's live
   * message trace (history, not mail flowing now). A failure is thrown to
   * the importer, which reports the item.
   */
  | 'import';

/** Where an imported message goes (origin 'import'). */
export interface ImportPlacement {
  /** The target folder: a mailbox of the recipient's own tree, made by the importer (services.migrations.importer). */
  mailboxId: string;
  /** IMAP system flags and keywords from the source. */
  flags: readonly string[];
  /** RFC 9051 INTERNALDATE from the source (ISO 8601); null: now. */
  internalDate: string | null;
}

export interface IntakeOrigin {
  kind: OriginKind;
  /** Client IP address (SMTP); null for mail the server makes itself. */
  ip?: string | null;
  /** HELO/EHLO argument. */
  helo?: string | null;
  /** Reverse-DNS name of the client, when known (Received). */
  clientHostname?: string | null;
  esmtp?: boolean;
  tls?: { protocol: string; cipher: string } | null;
  /** RFC 6531 SMTPUTF8 was used. */
  utf8?: boolean;
  /** The SMTP connection's checks state (openSession); the filter's stages run only with one. */
  session?: IntakeSession;
  /** Logs of this message go here (the SMTP session's logger, the queue's …). */
  log: Logger;
  /** Origin 'import' only: the folder, flags and date of the imported message. */
  import?: ImportPlacement;
}

/**
 * One SMTP connection as the intake's checks know it (the filter pipeline's
 * context: rules fired at connect and HELO, the transaction under way).
 * Opaque to front ends: they hold it and pass it in each IntakeOrigin.
 */
export interface IntakeSession {
  /** The client is on the IP allow list: blocklists and greylisting do not apply to it (mail authentication still does). */
  readonly trusted: boolean;
}

export interface IntakeRecipient {
  address: string;
  /** RFC 3461 §4.1 NOTIFY; null when none was given. */
  notify?: DsnNotify[] | null;
  /** RFC 3461 §4.2 ORCPT as given, xtext decoded: "addr-type;address". */
  orcpt?: string | null;
  /**
   * Where the address leads, when the caller already asked (SMTP plans each
   * RCPT as it arrives); expanded here otherwise.
   */
  plan?: RecipientPlan;
  /** Origin 'queue': the folder the filter chose when the message was first accepted. */
  folder?: LocalFolder | null;
}

export interface IntakeEnvelope {
  /** '' for the null sender. */
  sender: string;
  recipients: IntakeRecipient[];
  /** RFC 3461 §4.3 RET and §4.4 ENVID. */
  ret?: DsnRet | null;
  envId?: string | null;
}

/**
 * The message bytes. SMTP hands its spool (small messages in memory, large
 * ones on disk); everyone else a Buffer through bufferSource().
 */
export interface MessageSource {
  readonly size: number;
  /** The first `n` bytes (enough to hold the header section). */
  head(n: number): Promise<Buffer>;
  /** The whole message, as a stream. */
  stream(): Readable;
  /** The whole message in memory (for the queue and DKIM signing). */
  buffer(): Promise<Buffer>;
  /** The message with `prefix` in front: a Buffer when small, a stream when spooled. */
  content(prefix: Buffer): Buffer | Readable;
}

/** Where one recipient leads (directory expansion) and what the intake decided about it. */
export type RecipientPlan = AddressExpansion;

export type RecipientOutcome =
  /** Stored in local mailboxes (all of this recipient's local targets); `stored` says where for origin 'import'. */
  | { address: string; status: 'delivered'; stored?: Array<{ mailboxId: string; uid: number }> }
  /** Handed to the outbound queue (remote, forwarded, or a local retry). */
  | { address: string; status: 'queued'; queueId: string }
  /** A repeated delivery of the same Message-ID, collapsed (RFC 1047). */
  | { address: string; status: 'duplicate' }
  /** Held in quarantine by the filter's verdict; released (or deleted) by an admin or the user. */
  | { address: string; status: 'held' }
  /** Not delivered; a permanent failure was bounced, a temporary one queued for retry (see bounced/deferred). */
  | { address: string; status: 'failed'; error: StoaError; handled: 'bounced' | 'deferred' | 'none' };

export interface IntakeResult {
  /** The id of this acceptance, in Received and in the logs. */
  id: string;
  /** Where the filter filed it for local recipients. */
  folder: LocalFolder;
  outcomes: RecipientOutcome[];
  /** Local copies stored. */
  delivered: number;
  /** The outbound queue entry, when anything was queued. */
  queueId: string | null;
}

export interface IntakeRequest {
  envelope: IntakeEnvelope;
  message: MessageSource;
  /** The authenticated sender (submission), or null for mail from outside and mail the server writes. */
  principal: Actor | null;
  origin: IntakeOrigin;
}

export interface SenderCheck {
  principal: Actor | null;
  origin: IntakeOrigin;
  /** Envelope sender, '' for the null sender. */
  sender: string;
}

export interface RecipientCheck {
  principal: Actor | null;
  origin: IntakeOrigin;
  sender: string;
  address: string;
  /** RFC 1870 SIZE declared at MAIL FROM, null when none. */
  declaredSize: number | null;
}

/**
 * What a recipient's own rules (Sieve, RFC 5228) decide for one message: the
 * intake carries it out after the filter verdict, and a decision never loses
 * the message (the rules module turns every failure into a keep).
 */
export interface RuleDecision {
  /** Copies to store for the recipient; empty when the message is discarded, redirected away or rejected. */
  copies: Array<{ mailbox: 'INBOX' | 'Junk' | { name: string; create: boolean }; flags: string[] }>;
  /** Addresses to send the message on to, unchanged (RFC 5228 §4.2). */
  redirects: string[];
  /** Refuses the message for this recipient (RFC 5429), with the reason the sender is told; null to accept. */
  reject: string | null;
  /** An auto-reply (RFC 5230 vacation): complete bytes, sent from the null sender. */
  reply: { to: string; bytes: Buffer } | null;
  /** A report to the recipient about their rules (a run-time error): complete bytes, delivered to them by the server. */
  notice: Buffer | null;
  /** Prepended to each redirected copy, so a redirect loop is recognised. */
  redirectHeader: string;
  /** The recipient as a principal: redirects and replies are sent on their behalf (relayed, DKIM-signed). */
  principal: Actor;
}

/** The filter's verdict as delivery rules see it. */
export interface FilterFindings {
  /** Spam score (sum of the rules that fired). */
  score: number;
  /** The score at which mail goes to Junk, and at which it is refused (0: never by score). */
  junkAt: number;
  rejectAt: number;
  /** The antivirus scan: 'clean', or null when no scanner ran (infected mail never reaches delivery). */
  antivirus: 'clean' | null;
}

/** The recipients' rules as the intake asks for them (the Sieve module implements it). */
export interface DeliveryRules {
  /** Null when the recipient has no rules: the message goes where the filter put it. */
  decide(input: {
    accountId: string;
    /** The account's primary address (the recipient's own). */
    address: string;
    envelope: { sender: string; recipient: string };
    message: MessageSource;
    /** The filter put it in Junk. */
    junk: boolean;
    /** What the filter found (Sieve spamtest/virustest, RFC 5235); null when the message was not filtered. */
    verdict: FilterFindings | null;
    log: Logger;
  }): Promise<RuleDecision | null>;
}

/**
 * A calendar part (iMIP, RFC 6047) of a message the intake stored for a
 * local account, handed on after delivery: a reply to one of the account's
 * events, or an invitation, update or cancellation for it.
 */
export interface CalendarMessage {
  accountId: string;
  /** The account's primary address. */
  address: string;
  /** The address the message was sent to (the account's own, an alias, a group it is in). */
  recipient: string;
  /** METHOD of the iCalendar object, upper case (REQUEST, REPLY, CANCEL …). */
  method: string;
  /** The text/calendar part, transfer- and charset-decoded. */
  ics: string;
  /** Envelope sender ('' for the null sender) and the From: address, for checking who sent it. */
  sender: string;
  from: string | null;
  /** Who submitted the message: null for mail from outside. */
  principal: Actor | null;
  log: Logger;
}

/**
 * The calendar side of delivery (calendar/imip-inbound.ts implements it,
 * services.ts wires it, like DeliveryRules for Sieve). Never throws: the
 * message itself is delivered whatever becomes of its calendar part.
 */
export interface CalendarMessages {
  receive(message: CalendarMessage): Promise<'applied' | 'ignored' | 'refused' | 'failed'>;
}

export interface IntakeService {
  /**
   * A client connected (SMTP): its session, after the connect stage (IP
   * allow/deny lists, DNS blocklists on MX). Throws a FilterRefusal.
   */
  openSession(origin: IntakeOrigin): Promise<IntakeSession>;
  /**
   * MAIL FROM time: may this principal send as `sender`, at this rate? For
   * submission the address must be the principal's own (RFC 6409 §6.1).
   * Throws STOA_SENDER_NOT_OWNED, STOA_UNAUTHENTICATED or a FilterRefusal.
   */
  checkSender(check: SenderCheck): Promise<void>;
  /**
   * RCPT TO time: where the recipient leads, or why it is refused:
   * STOA_RECIPIENT_UNKNOWN (nobody owns a local address), STOA_RELAY_DENIED
   * (an outside address without an authenticated principal),
   * STOA_MAILBOX_DISABLED, STOA_OVER_QUOTA / STOA_MESSAGE_EXCEEDS_QUOTA, a
   * FilterRefusal (greylisting), STOA_INVALID_ADDRESS.
   */
  planRecipient(check: RecipientCheck): Promise<RecipientPlan>;
  /**
   * Takes a message in for every recipient: the sender's headers checked
   * against the principal, the filter verdict, duplicate collapsing, trace
   * fields, one durable local delivery, bounce-or-defer of local failures,
   * DKIM signing and the outbound queue. When it resolves, everything it
   * reports is durable. Throws (and stores nothing) when no recipient could
   * be served: the caller answers with that error and the sender retries.
   */
  accept(request: IntakeRequest): Promise<IntakeResult>;
}
