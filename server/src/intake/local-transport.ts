// The queue's local transport (queue/local-transport.ts), served by the
// intake: a local recipient the queue retries (deferred after acceptance,
// docs/smtp.md "Local failures after 250") is delivered to its mailbox the
// way every message is, under the account's primary address and into the
// folder the filter chose when the message was first accepted. The
// expansion (lists, aliases, forwarding) was done then and is not repeated.
import type { Logger } from '../log/logger.ts';
import type { SmtpAnswer } from '../model/queue.ts';
import type { LocalTransport } from '../queue/local-transport.ts';
import type { IntakeService } from './api.ts';
import { localFailureAnswer } from './local-failures.ts';
import { bufferSource } from './message-source.ts';

export function createLocalTransport(deps: { intake: Pick<IntakeService, 'accept'>; isLocalDomain(domain: string): Promise<boolean>; log: Logger }): LocalTransport {
  return {
    handles: (domain) => deps.isLocalDomain(domain),

    async deliver(sender, recipients, message) {
      const answers = new Map<string, SmtpAnswer>();
      try {
        const result = await deps.intake.accept({
          envelope: { sender, recipients: recipients.map((r) => ({ address: r.address, folder: r.folder })) },
          message: bufferSource(message),
          principal: null,
          origin: { kind: 'queue', log: deps.log },
        });
        for (const o of result.outcomes) {
          answers.set(o.address, o.status === 'failed' ? localFailureAnswer(o.error) : { code: 250, enhanced: '2.0.0', text: 'Delivered' });
        }
      } catch (err) {
        // Nothing could be planned or stored: every recipient gets the same answer (temporary unless the error says otherwise).
        const answer = localFailureAnswer(err);
        for (const r of recipients) answers.set(r.address, answer);
      }
      return answers;
    },
  };
}
