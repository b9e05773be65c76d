// Step 7 of the intake (intake-service.ts): a message a user sent as or on
// behalf of a shared mailbox is also filed, as sent (\Seen), in that
// mailbox's Sent folder (RFC 6154 \Sent), so everyone who works in the shared
// mailbox sees what was answered from it, as Exchange does with
// MessageCopyForSentAsEnabled. The server files it (delivery is the server's
// alone); the user's own client still keeps its copy in its own Sent folder.
import { systemActor } from '../directory/access.ts';
import type { Logger } from '../log/logger.ts';
import type { DeliveryService, MailboxService } from '../mail/api.ts';

export async function fileSentCopy(
  mail: { delivery: DeliveryService; mailboxes: Pick<MailboxService, 'list' | 'ensureDefaultMailboxes'> }, ownerId: string, message: Buffer, log: Logger,
): Promise<void> {
  const server = systemActor();
  try {
    let mailboxes = await mail.mailboxes.list(server, ownerId);
    if (!mailboxes.some((m) => m.specialUse === '\\Sent')) mailboxes = await mail.mailboxes.ensureDefaultMailboxes(server, ownerId);
    const sent = mailboxes.find((m) => m.specialUse === '\\Sent');
    if (!sent) {
      log.warn({ ownerId }, 'shared mailbox has no Sent folder: the sent copy was not filed');
      return;
    }
    const [outcome] = await mail.delivery.deliver(server, message, [{ accountId: ownerId, mailbox: { id: sent.id }, flags: ['\\Seen'] }]);
    if (outcome.status === 'failed') log.warn({ ownerId, code: outcome.error.code }, 'the copy for the shared mailbox\'s Sent folder was not filed');
  } catch (err) {
    log.warn({ err, ownerId }, 'the copy for the shared mailbox\'s Sent folder was not filed');
  }
}
