// Recipient rules of the intake: where an address leads (the directory's one
// expansion), who may name an outside address (no open relay: only an
// authenticated principal, RFC 5321 §3.6.2), the quota of a direct mailbox
// recipient at RCPT time (RFC 3463 X.2.2), who may post to a public folder
// by its address (RFC 4314 §2.1 "p" for logged-in senders, the folder's own
// setting for mail from outside), and how a whole envelope's plans become
// one set of local mailboxes and one set of outbound addresses.
import { systemActor } from '../directory/access.ts';
import type { AddressService } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { MailboxService } from '../mail/api.ts';
import type { DsnNotify } from '../model/queue.ts';
import type { IntakeRecipient, RecipientCheck, RecipientPlan } from './api.ts';

export interface RecipientRulesDeps {
  addresses: Pick<AddressService, 'expand'>;
  mailboxes: Pick<MailboxService, 'quota' | 'myRights'>;
}

/** The quota of a recipient that is one mailbox, checked before the message is sent (RFC 1870 SIZE when declared). */
async function checkQuota(deps: RecipientRulesDeps, plan: RecipientPlan, declaredSize: number | null): Promise<void> {
  const ownerId = plan.account?.id ?? plan.sharedMailbox?.id;
  if (!ownerId || plan.local.length === 0) return;
  const { usage, limits } = await deps.mailboxes.quota(systemActor(), ownerId);
  if (limits.bytes > 0) {
    if (declaredSize !== null && declaredSize > limits.bytes) {
      throw new StoaError('STOA_MESSAGE_EXCEEDS_QUOTA', 'the message is larger than the recipient\'s whole mailbox quota');
    }
    if (usage.bytes + (declaredSize ?? 1) > limits.bytes) throw new StoaError('STOA_OVER_QUOTA', 'mailbox full; try again later');
  }
  if (limits.messages > 0 && usage.messages + 1 > limits.messages) {
    throw new StoaError('STOA_OVER_QUOTA', 'mailbox full (message count); try again later');
  }
}

/**
 * Who may post to a public folder by its address: a logged-in sender (a
 * user's submission, their Sieve redirect) needs "p" on the folder (RFC 4314
 * §2.1: post, "send mail to submission address for mailbox"); mail from
 * outside only when the folder accepts it. The server's own notices pass.
 */
async function checkPost(deps: RecipientRulesDeps, plan: RecipientPlan, check: RecipientCheck): Promise<void> {
  const folder = plan.folder;
  if (!folder) return;
  if (check.principal !== null && check.origin.kind !== 'smtp') {
    if (check.principal.id === null) return;
    const rights = await deps.mailboxes.myRights(check.principal, folder.mailboxId).catch(() => '');
    if (!rights.includes('p')) throw new StoaError('STOA_POST_DENIED', `<${check.address}>: you lack the "p" right on this public folder`);
    return;
  }
  if (check.origin.kind === 'notice') return;
  if (!folder.acceptExternal) throw new StoaError('STOA_POST_DENIED', `<${check.address}> takes mail only from signed-in senders`);
}

/** Where one recipient leads, or the rule that refuses it. */
export async function planRecipient(deps: RecipientRulesDeps, check: RecipientCheck): Promise<RecipientPlan> {
  const plan = await deps.addresses.expand(check.address);
  if (!plan) throw new StoaError('STOA_RECIPIENT_UNKNOWN', `<${check.address}>`);
  await checkPost(deps, plan, check);
  if (plan.remote) {
    // Mail from outside reaches only our own domains; relaying is for authenticated users and for the
    // server's own notices (DSNs to remote senders).
    const mayRelay = check.origin.kind === 'notice' || (check.origin.kind !== 'smtp' && check.principal !== null);
    if (!mayRelay) throw new StoaError('STOA_RELAY_DENIED', `<${check.address}>`);
  } else {
    await checkQuota(deps, plan, check.declaredSize);
  }
  return plan;
}

/** One outbound address of a message with the DSN parameters of the recipient that led to it. */
export interface Outbound { address: string; notify: DsnNotify[] | null; orcpt: string | null }

/**
 * One local mailbox with its Delivered-To address and the DSN parameters of
 * the (first) recipient that led to it. `key` tells copies apart: the owner's
 * id, or the folder's id for an addressed public folder (one owner, many folders).
 */
export interface LocalCopy { key: string; accountId: string; mailboxId?: string; address: string; notify: DsnNotify[] | null; orcpt: string; recipients: string[] }

/** The key of a local target: its owner, or its folder when it names one. */
export function targetKey(t: { accountId: string; mailboxId?: string }): string {
  return t.mailboxId ?? t.accountId;
}

export interface Routing {
  local: LocalCopy[];
  outbound: Outbound[];
}

/**
 * Every local mailbox and outbound address of the envelope, each once
 * (RFC 3461 §4.2: an expansion keeps the ORCPT of the address it was sent
 * to; a remote recipient keeps the client's ORCPT only).
 */
export function route(recipients: readonly (IntakeRecipient & { plan: RecipientPlan })[]): Routing {
  const local = new Map<string, LocalCopy>();
  const outbound = new Map<string, Outbound>();
  for (const r of recipients) {
    const notify = r.notify ?? null;
    const orcpt = r.orcpt ?? `rfc822;${r.address}`;
    for (const t of r.plan.local) {
      const key = targetKey(t);
      const copy = local.get(key);
      if (copy) copy.recipients.push(r.address);
      else local.set(key, { key, accountId: t.accountId, ...(t.mailboxId ? { mailboxId: t.mailboxId } : {}), address: t.address, notify, orcpt, recipients: [r.address] });
    }
    if (r.plan.remote) {
      const key = r.address.toLowerCase();
      outbound.set(key, { address: r.address, notify, orcpt: r.orcpt ?? null });
    }
    for (const address of r.plan.forward) if (!outbound.has(address)) outbound.set(address, { address, notify, orcpt });
  }
  return { local: [...local.values()], outbound: [...outbound.values()] };
}
