// RCPT TO (RFC 5321 §4.1.1.3): the intake plans the recipient and applies
// its rules (unknown users, no open relay, quota of a direct mailbox, the
// filter's greylisting); this hook adds dictionary-harvest protection, which
// is about this client's SMTP session. smtp-server itself refuses recipients
// beyond smtp.maxRecipients (452 4.5.3).
import type { SMTPServerAddress } from 'smtp-server';
import { setTimeout as sleep } from 'node:timers/promises';
import { isStoaError } from '../../../errors/catalogue.ts';
import type { HookContext } from '../smtp-context.ts';
import { SmtpReply } from '../smtp-reply.ts';
import { originOf } from './origin.ts';

export async function onRcptTo(ctx: HookContext, to: SMTPServerAddress): Promise<void> {
  const { services, state } = ctx;
  const tx = state.tx;
  if (!tx) throw new SmtpReply(503, '5.5.1', 'Need MAIL command', 'syntax');
  let plan;
  try {
    plan = await services.intake.planRecipient({
      principal: state.principal, origin: originOf(ctx), sender: tx.sender, address: to.address, declaredSize: tx.declaredSize,
    });
  } catch (err) {
    if (isStoaError(err, 'STOA_RECIPIENT_UNKNOWN')) {
      const verdict = services.harvest.recordUnknown(state.ip);
      if (verdict.action === 'cut-off') {
        state.log.warn({ rcpt: to.address }, 'smtp client cut off for address harvesting');
        throw new SmtpReply(421, '4.7.0', 'Too many unknown recipients; closing connection', 'harvest');
      }
      // The delay is the point: a scanner pays for every guess (Postfix smtpd_error_sleep_time).
      if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    }
    throw err;
  }
  tx.plans.set(to.address.toLowerCase(), plan);
  state.log.debug({ rcpt: to.address, kind: plan.kind, local: plan.local.length, forward: plan.forward.length }, 'smtp recipient accepted');
}
