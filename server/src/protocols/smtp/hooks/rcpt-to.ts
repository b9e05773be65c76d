// RCPT TO (RFC 5321 §4.1.1.3): where the recipient leads (recipient-plan.ts),
// no open relay (only authenticated submission may name outside domains,
// RFC 5321 §3.6.2), the quota of a direct mailbox recipient (RFC 3463 X.2.2),
// dictionary-harvest protection, and the filter pipeline's RCPT stage
// (greylisting on MX).
// smtp-server itself refuses recipients beyond smtp.maxRecipients (452 4.5.3).
import type { SMTPServerAddress } from 'smtp-server';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HookContext } from '../smtp-context.ts';
import { planRecipient, type RecipientPlan } from '../recipient-plan.ts';
import { SmtpReply, enforceDecision } from '../smtp-reply.ts';

async function checkQuota(ctx: HookContext, plan: RecipientPlan, declaredSize: number | null): Promise<void> {
  if (!plan.account || plan.local.length === 0) return;
  const { usage, limits } = await ctx.services.mail.mailboxes.quota(plan.account.id);
  if (limits.bytes > 0) {
    if (declaredSize !== null && declaredSize > limits.bytes) {
      throw new SmtpReply(552, '5.2.2', 'Message is larger than the recipient\'s whole mailbox quota', 'over-quota');
    }
    if (usage.bytes + (declaredSize ?? 1) > limits.bytes) {
      throw new SmtpReply(452, '4.2.2', 'Mailbox full; try again later', 'over-quota');
    }
  }
  if (limits.messages > 0 && usage.messages + 1 > limits.messages) {
    throw new SmtpReply(452, '4.2.2', 'Mailbox full (message count); try again later', 'over-quota');
  }
}

export async function onRcptTo(ctx: HookContext, to: SMTPServerAddress): Promise<void> {
  const { services, state } = ctx;
  const tx = state.tx;
  if (!tx) throw new SmtpReply(503, '5.5.1', 'Need MAIL command', 'syntax');
  const plan = await planRecipient(services.directory, to.address);

  if (!plan) {
    const verdict = services.harvest.recordUnknown(state.ip);
    if (verdict.action === 'cut-off') {
      state.log.warn({ rcpt: to.address }, 'smtp client cut off for address harvesting');
      throw new SmtpReply(421, '4.7.0', 'Too many unknown recipients; closing connection', 'harvest');
    }
    // The delay is the point: a scanner pays for every guess (Postfix smtpd_error_sleep_time).
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    throw new SmtpReply(550, '5.1.1', `<${to.address}>: Recipient address rejected: user unknown`, 'unknown-recipient');
  }

  if (plan.remote) {
    if (state.listener === 'smtp' || !state.account) {
      throw new SmtpReply(554, '5.7.1', `<${to.address}>: Relay access denied`, 'relay-denied');
    }
  } else {
    await checkQuota(ctx, plan, tx.declaredSize);
  }
  const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const first = plan.local[0];
  tx.filter.recipient = { address: to.address, accountId: first?.accountId ?? null, domain: domainOf(first?.address ?? to.address) };
  enforceDecision(await services.filter.runStage('rcpt', tx.filter));
  tx.filter.recipient = null;
  // The filter sees every mailbox the address leads to (the account's primary domain picks its policy) and the outside ones.
  for (const t of plan.local) tx.filter.recipients.push({ address: to.address, accountId: t.accountId, domain: domainOf(t.address) });
  if (plan.remote || plan.forward.length > 0) tx.filter.recipients.push({ address: to.address, accountId: null, domain: domainOf(to.address) });
  tx.plans.set(to.address.toLowerCase(), plan);
  state.log.debug({ rcpt: to.address, kind: plan.kind, local: plan.local.length, forward: plan.forward.length }, 'smtp recipient accepted');
}
