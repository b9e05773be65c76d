// How delegation grants are resolved, the one way every rule that depends on
// them asks: full access (mail/mail-access.ts, IMAP, Autodiscover), send as
// and send on behalf (intake/sender-policy.ts). A grant names an account or a
// group; a group's grant reaches every member of it and of the groups nested
// in it, read from current data at every question (as RFC 4314 ACLs are), so
// removing someone from a group takes effect at once.
import type { GrantRight } from '../../../shared/src/schemas/shared-mailboxes.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { StoreTx } from '../store/port.ts';
import type { MailboxGrantRecord } from '../store/shared-mailbox-port.ts';
import type { Actor } from './api.ts';

/** Group ids an account (or a group) belongs to, nested groups included; cycles are cut. */
export async function groupsContaining(store: Pick<StoreTx, 'groups'>, member: { kind: 'account' | 'group'; id: string }): Promise<string[]> {
  const seen = new Set<string>();
  let frontier = (await store.groups.containing(member)).map((g) => g.id);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      next.push(...(await store.groups.containing({ kind: 'group', id })).map((g) => g.id));
    }
    frontier = next;
  }
  return [...seen];
}

/** The grants an account holds, directly or through its groups, optionally of one right. */
export async function grantsHeldBy(store: Pick<StoreTx, 'groups' | 'mailboxGrants'>, accountId: string, right?: GrantRight): Promise<MailboxGrantRecord[]> {
  const ids = [accountId, ...await groupsContaining(store, { kind: 'account', id: accountId })];
  return store.mailboxGrants.forGrantees(ids, right);
}

/** Whether the account holds `right` on the mailboxes of `ownerId`. */
export async function holdsGrant(store: Pick<StoreTx, 'groups' | 'mailboxGrants'>, accountId: string, ownerId: string, right: GrantRight): Promise<boolean> {
  const onOwner = (await store.mailboxGrants.forOwner(ownerId)).filter((g) => g.right === right);
  if (onOwner.length === 0) return false;
  if (onOwner.some((g) => g.granteeKind === 'account' && g.granteeId === accountId)) return true;
  if (!onOwner.some((g) => g.granteeKind === 'group')) return false;
  const groups = new Set(await groupsContaining(store, { kind: 'account', id: accountId }));
  return onOwner.some((g) => g.granteeKind === 'group' && groups.has(g.granteeId));
}

/**
 * Tells open sessions (IMAP's selected mailboxes, mail-access's grant cache)
 * that who may open the owner's mailboxes changed: one 'mailbox' event per
 * mailbox of the owner, after the change committed.
 */
export async function publishGrantChange(store: Pick<StoreTx, 'mailboxes'>, bus: ChangeBus | undefined, ownerIds: Iterable<string>): Promise<void> {
  if (!bus) return;
  for (const ownerId of new Set(ownerIds)) {
    for (const m of await store.mailboxes.list(ownerId)) {
      bus.publish({ accountId: ownerId, mailboxId: m.id, kind: 'mailbox', uids: [], modseq: m.highestModSeq });
    }
  }
}

function auditOf(grant: MailboxGrantRecord): Record<string, string> {
  return { owner: grant.ownerId, ownerKind: grant.ownerKind, grantee: grant.granteeId, granteeKind: grant.granteeKind, right: grant.right };
}

/** Writes the audit entry of one grant given or taken away (objectType mailbox-grant, under the owner's domain). */
export async function auditGrant(tx: StoreTx, actor: Actor, at: string, grant: MailboxGrantRecord, added: boolean): Promise<void> {
  await writeAudit(tx, actor, at, {
    action: added ? 'grant' : 'revoke', objectType: 'mailbox-grant', objectId: grant.id, domainId: grant.domainId,
    before: added ? null : auditOf(grant), after: added ? auditOf(grant) : null,
  });
}

/**
 * When an account or group goes (deleted, or an account turned into a shared
 * mailbox), the grants it held go with it in the same transaction, each
 * audited. Returns the owners whose grants changed, for publishGrantChange.
 */
export async function removeGrantsHeldBy(tx: StoreTx, actor: Actor, at: string, granteeId: string): Promise<string[]> {
  const removed = await tx.mailboxGrants.deleteForGrantee(granteeId);
  for (const grant of removed) await auditGrant(tx, actor, at, grant, false);
  return removed.map((g) => g.ownerId);
}

/** When a mailbox owner goes, every grant on it goes in the same transaction, each audited. */
export async function removeGrantsOn(tx: StoreTx, actor: Actor, at: string, ownerId: string): Promise<number> {
  const removed = await tx.mailboxGrants.deleteForOwner(ownerId);
  for (const grant of removed) await auditGrant(tx, actor, at, grant, false);
  return removed.length;
}
