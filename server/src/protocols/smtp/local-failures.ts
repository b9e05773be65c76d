// Local recipients that fail after the message was accepted for others
// (docs/smtp.md "Local failures after 250"). smtp-server's DATA reply is one
// answer for every recipient, so once one of them got the message the 250
// stands, and the failed ones must not be dropped in silence. Like Postfix:
// a permanent failure (mailbox full, mailbox gone) is bounced at once with an
// RFC 3464 failure notice built and submitted by the queue's own code; a
// temporary one is deferred into the queue, whose local transport retries it
// on the usual schedule, into the folder the filter chose (INBOX or Junk),
// and bounces it if it never succeeds. Both happen
// before the 250 is sent: if neither can be done the client gets 451.
import type { DsnRecipient } from '../../queue/dsn.ts';
import { localFailureAnswer } from '../../queue/local-transport.ts';
import { createNoticeSubmit } from '../../queue/notice-submit.ts';
import { sendNotices, wantsFailureNotice } from '../../queue/notifier.ts';
import { queueConfigFrom } from '../../queue/queue-config.ts';
import type { DsnNotify, DsnRet, LocalFolder, QueuedMessage } from '../../store/queue-port.ts';
import type { HookContext } from './smtp-context.ts';

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
}

/** Bounces the permanent failures, queues the temporary ones; throws (→ 451) only if that cannot be done. */
export async function settleLocalFailures(ctx: HookContext, message: AcceptedMessage, failures: readonly LocalFailure[]): Promise<void> {
  const { services, state } = ctx;
  const now = Date.now();
  const queued: QueuedMessage = {
    id: message.id, blobId: '', sender: message.sender, createdAt: now, expiresAt: now, ret: message.ret, envId: message.envId,
    accountId: state.account?.id ?? null, size: message.original.length, completedAt: null,
  };
  const retry: LocalFailure[] = [];
  const bounce: Array<{ failure: LocalFailure; dsn: DsnRecipient }> = [];
  for (const failure of failures) {
    const answer = localFailureAnswer(failure.error);
    state.log.warn({ id: message.id, recipient: failure.address, answer: `${answer.code} ${answer.enhanced}`, err: String(failure.error) }, 'smtp local delivery failed after acceptance');
    if (answer.code < 500) retry.push(failure);
    // RFC 3461 §4.1 NOTIFY, and never to the null sender (wantsFailureNotice): the bounce is simply not sent.
    else if (wantsFailureNotice(queued, failure)) {
      bounce.push({ failure, dsn: { recipient: { address: failure.address, orcpt: failure.orcpt }, action: 'failed', answer, remoteMta: null, lastAttemptAt: now } });
    }
  }

  if (bounce.length > 0) {
    const submit = createNoticeSubmit({
      addresses: services.directory.addresses, delivery: services.mail.delivery, queue: services.queue,
      warn: (obj, msg) => state.log.warn(obj, msg),
    });
    const batch = { failed: bounce.map((b) => b.dsn), delayed: [], relayed: [] };
    const sent = await sendNotices(queueConfigFrom(services.config), submit, queued, message.original, batch, now);
    if (sent.failed === 'failed') {
      // The notice could not be handed over (the sender's own mailbox refused it, the queue is down):
      // the queue takes the recipients instead, fails them again and keeps their notice pending until it goes out.
      state.log.warn({ id: message.id, errors: sent.errors.map(String) }, 'smtp failure notice not submitted; recipients handed to the queue');
      retry.push(...bounce.map((b) => b.failure));
    }
  }

  if (retry.length > 0) {
    const queueId = await services.queue.enqueue({
      message: message.original,
      sender: message.sender,
      recipients: retry.map((f) => ({ address: f.address, notify: f.notify, orcpt: f.orcpt, localFolder: message.folder })),
      ret: message.ret,
      envId: message.envId,
      accountId: state.account?.id ?? null,
    });
    state.log.info({ id: message.id, queueId, recipients: retry.map((f) => f.address), folder: message.folder }, 'smtp local recipients deferred to the queue');
  }
}
