// Local recipients that fail after the message was accepted for others
// (docs/smtp.md "Local failures after 250"). An SMTP DATA reply is one
// answer for every recipient, so once one of them got the message the 250
// stands, and the failed ones must not be dropped in silence. Like Postfix:
// a permanent failure (mailbox full, mailbox gone) is bounced at once with an
// RFC 3464 failure notice built by the queue's own code; a temporary one is
// deferred into the queue, whose local transport retries it on the usual
// schedule, into the folder the filter chose (INBOX or Junk), and bounces it
// if it never succeeds. Both happen before the sender is answered: if
// neither can be done, the intake fails and the sender retries.
import { systemActor } from '../directory/access.ts';
import { isStoaError } from '../errors/catalogue.ts';
import type { Logger } from '../log/logger.ts';
import type { DsnNotify, DsnRet, LocalFolder, QueuedMessage, SmtpAnswer } from '../model/queue.ts';
import type { DsnRecipient } from '../queue/dsn.ts';
import { sendNotices, wantsFailureNotice, type SubmitFn } from '../queue/notifier.ts';
import type { QueueConfig } from '../queue/queue-config.ts';
import type { QueueService } from '../queue/queue-service.ts';

/**
 * The answer for a local delivery error once the sender's session is over.
 * A full mailbox is permanent here (RFC 3463 X.2.2 as 5.2.2): while the
 * client waits we answer 452 so it retries, but after acceptance we bounce
 * at once, as Postfix with Dovecot's default `quota_full_tempfail = no` and
 * Exchange do, instead of holding the message for days. Other catalogue
 * errors keep their documented reply; anything unexpected is temporary.
 */
export function localFailureAnswer(err: unknown): SmtpAnswer {
  if (isStoaError(err)) {
    if (err.code === 'STOA_OVER_QUOTA' || err.code === 'STOA_MESSAGE_EXCEEDS_QUOTA') {
      return { code: 552, enhanced: '5.2.2', text: 'Mailbox full' };
    }
    if (err.spec.smtp) {
      const [code, enhanced] = err.spec.smtp.split(' ');
      return { code: Number(code), enhanced, text: err.spec.title };
    }
  }
  return { code: 451, enhanced: '4.3.0', text: 'Local error in processing' };
}

/** One local mailbox the message did not reach, with the DSN parameters of the RCPT that led to it. */
export interface LocalFailure {
  /** The account's primary address (Final-Recipient). */
  address: string;
  notify: DsnNotify[] | null;
  /** RFC 3461 §4.2: what the client sent to (the list's address for a member). */
  orcpt: string;
  error: unknown;
}

export interface AcceptedMessage {
  id: string;
  sender: string;
  ret: DsnRet | null;
  envId: string | null;
  /** The message as accepted (our trace headers + content), attached to notices and queued for retries. */
  original: Buffer;
  /** Where the spam/DMARC filter filed it: a retry goes to the same folder. */
  folder: LocalFolder;
  /** The account that submitted it, null for mail from outside. */
  accountId: string | null;
}

export interface SettleDeps {
  queue: Pick<QueueService, 'enqueue'>;
  queueConfig: QueueConfig;
  /** Hands a notice to the intake (local sender) or the queue (remote sender). */
  submitNotice: SubmitFn;
  log: Logger;
}

export interface Settled {
  bounced: string[];
  deferred: string[];
  /** The queue entry holding the deferred recipients. */
  queueId: string | null;
}

/** Bounces the permanent failures, queues the temporary ones; throws (→ 451) only if that cannot be done. */
export async function settleLocalFailures(deps: SettleDeps, message: AcceptedMessage, failures: readonly LocalFailure[]): Promise<Settled> {
  const { log } = deps;
  const now = Date.now();
  const queued: QueuedMessage = {
    id: message.id, blobId: '', sender: message.sender, createdAt: now, expiresAt: now, ret: message.ret, envId: message.envId,
    accountId: message.accountId, size: message.original.length, completedAt: null,
  };
  const settled: Settled = { bounced: [], deferred: [], queueId: null };
  const retry: LocalFailure[] = [];
  const bounce: Array<{ failure: LocalFailure; dsn: DsnRecipient }> = [];
  for (const failure of failures) {
    const answer = localFailureAnswer(failure.error);
    log.warn({ id: message.id, recipient: failure.address, answer: `${answer.code} ${answer.enhanced}`, err: String(failure.error) }, 'local delivery failed after acceptance');
    if (answer.code < 500) retry.push(failure);
    // RFC 3461 §4.1 NOTIFY, and never to the null sender (wantsFailureNotice): the bounce is simply not sent.
    else if (wantsFailureNotice(queued, failure)) {
      bounce.push({ failure, dsn: { recipient: { address: failure.address, orcpt: failure.orcpt }, action: 'failed', answer, remoteMta: null, lastAttemptAt: now } });
    }
  }

  if (bounce.length > 0) {
    const batch = { failed: bounce.map((b) => b.dsn), delayed: [], relayed: [] };
    const sent = await sendNotices(deps.queueConfig, deps.submitNotice, queued, message.original, batch, now);
    if (sent.failed === 'failed') {
      // The notice could not be handed over (the sender's own mailbox refused it, the queue is down):
      // the queue takes the recipients instead, fails them again and keeps their notice pending until it goes out.
      log.warn({ id: message.id, errors: sent.errors.map(String) }, 'failure notice not submitted; recipients handed to the queue');
      retry.push(...bounce.map((b) => b.failure));
    } else {
      settled.bounced.push(...bounce.map((b) => b.failure.address));
    }
  }

  if (retry.length > 0) {
    const queueId = await deps.queue.enqueue(systemActor(), {
      message: message.original,
      sender: message.sender,
      recipients: retry.map((f) => ({ address: f.address, notify: f.notify, orcpt: f.orcpt, localFolder: message.folder })),
      ret: message.ret,
      envId: message.envId,
      accountId: message.accountId,
    });
    log.info({ id: message.id, queueId, recipients: retry.map((f) => f.address), folder: message.folder }, 'local recipients deferred to the queue');
    settled.deferred.push(...retry.map((f) => f.address));
    settled.queueId = queueId;
  }
  return settled;
}
