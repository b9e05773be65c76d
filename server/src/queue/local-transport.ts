// The queue's port for recipients in our own domains (Postfix's virtual(8)
// behind qmgr): the delivery worker hands them to this instead of an SMTP
// session to ourselves. The intake service implements it
// (intake/local-transport.ts), so a retried local recipient takes the same
// path into its mailbox as any other message.
import type { LocalFolder, SmtpAnswer } from '../model/queue.ts';

/** One queued local recipient: its address and the folder to file it in (null: INBOX). */
export interface LocalRecipient { address: string; folder: LocalFolder | null }

export interface LocalTransport {
  /** Whether `domain` (A-label form) is one of ours. */
  handles(domain: string): Promise<boolean>;
  /** Delivers `message` to each recipient's mailbox, in its folder; one answer per address, as an SMTP server would give. */
  deliver(sender: string, recipients: readonly LocalRecipient[], message: Buffer): Promise<Map<string, SmtpAnswer>>;
}
