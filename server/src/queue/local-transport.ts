// The queue's local transport (Postfix's virtual(8) behind qmgr): recipients
// in our own domains are delivered to their mailbox through the mail
// DeliveryService instead of an SMTP session to ourselves. The SMTP front end
// queues a local recipient only when its delivery failed temporarily after
// the message was accepted (docs/smtp.md "Local failures after 250"), always
// under the account's primary address: the expansion (lists, aliases,
// forwarding) was done at RCPT time and is not repeated, and the folder the
// spam/DMARC filter chose then (INBOX or Junk) is kept with the recipient.
import { isStoaError } from '../errors/catalogue.ts';
import type { AddressService } from '../directory/api.ts';
import type { DeliveryService } from '../mail/api.ts';
import type { LocalFolder, SmtpAnswer } from '../store/queue-port.ts';

/** One queued local recipient: its address and the folder to file it in (null: INBOX). */
export interface LocalRecipient { address: string; folder: LocalFolder | null }

export interface LocalTransport {
  /** Whether `domain` (A-label form) is one of ours. */
  handles(domain: string): Promise<boolean>;
  /** Delivers `message` to each recipient's mailbox, in its folder; one answer per address, as an SMTP server would give. */
  deliver(sender: string, recipients: readonly LocalRecipient[], message: Buffer): Promise<Map<string, SmtpAnswer>>;
}

export interface LocalTransportDeps {
  addresses: Pick<AddressService, 'resolve' | 'isLocalDomain'>;
  delivery: Pick<DeliveryService, 'deliver'>;
}

/**
 * The answer for a local delivery error once the sender's SMTP session is
 * over. A full mailbox is permanent here (RFC 3463 X.2.2 as 5.2.2): while the
 * client waits we answer 452 so it retries, but after acceptance we bounce at
 * once, as Postfix with Dovecot's default `quota_full_tempfail = no` and
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

/** RFC 5321 §3.6.2 Return-Path, added by the final hop. */
function returnPath(sender: string): string {
  return `Return-Path: <${sender}>\r\n`;
}

export function createLocalTransport(deps: LocalTransportDeps): LocalTransport {
  return {
    handles: (domain) => deps.addresses.isLocalDomain(domain),

    async deliver(sender, recipients, message) {
      const answers = new Map<string, SmtpAnswer>();
      // An account is queued once, under its primary address, so it has one folder;
      // should two addresses of one account meet anyway, INBOX wins over Junk.
      const byAccount = new Map<string, { addresses: string[]; folder: LocalFolder }>();
      for (const { address, folder } of recipients) {
        const found = await deps.addresses.resolve(address);
        if (found?.kind !== 'account' || !found.account.enabled) {
          // The mailbox went away (or was disabled) since the message was accepted.
          answers.set(address, { code: 550, enhanced: found?.kind === 'account' ? '5.2.1' : '5.1.1', text: 'Mailbox unavailable' });
          continue;
        }
        const entry = byAccount.get(found.account.id) ?? { addresses: [], folder: 'Junk' };
        entry.addresses.push(address);
        if (folder !== 'Junk') entry.folder = 'INBOX';
        byAccount.set(found.account.id, entry);
      }
      if (byAccount.size === 0) return answers;
      const head = Buffer.from(returnPath(sender) + (byAccount.size === 1 ? `Delivered-To: ${[...byAccount.values()][0].addresses[0]}\r\n` : ''), 'utf8');
      try {
        const outcomes = await deps.delivery.deliver(
          Buffer.concat([head, message]),
          [...byAccount].map(([accountId, { folder }]) => ({ accountId, mailbox: folder })),
        );
        for (const o of outcomes) {
          const answer = o.status === 'delivered' ? { code: 250, enhanced: '2.0.0', text: 'Delivered' } : localFailureAnswer(o.error);
          for (const address of byAccount.get(o.accountId)?.addresses ?? []) answers.set(address, answer);
        }
      } catch (err) {
        const answer = localFailureAnswer(err);
        for (const { addresses } of byAccount.values()) for (const address of addresses) answers.set(address, answer);
      }
      return answers;
    },
  };
}
