// Mailboxes of an account: names validated here (mailbox-name.ts), rights
// checked here (mail-access.ts), storage in the MailboxStore, change events
// after commit.
import { randomUUID } from 'node:crypto';
import { inScope, systemActor } from '../directory/access.ts';
import type { Actor } from '../directory/api.ts';
import { grantsHeldBy } from '../directory/delegation.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Mailbox, SpecialUse } from '../model/mail.ts';
import type { Store, StoreTx } from '../store/port.ts';
import type { DelegatedTree, MailboxAccess, MailboxService } from './api.ts';
import { ALL_RIGHTS, isSystem, type MailAccess } from './mail-access.ts';
import { isInbox, isSameOrChild, normaliseMailboxName, parentNames } from './mailbox-name.ts';
import { isPublicFolder, publicFolderDomain, publicFolderOwner } from './public-folders.ts';
import { limitsOf, storageUsage } from './quota.ts';
import { DEFAULT_MAIL_LIMITS, checkMailboxCount, checkMailboxPath, type MailLimits } from './mail-limits.ts';

export { ALL_RIGHTS };

/** Created for every account (RFC 6154 special-use; names as most clients expect them). */
export const DEFAULT_MAILBOXES: readonly { name: string; specialUse: SpecialUse | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Archive', specialUse: '\\Archive' },
];

export interface MailboxServiceDeps {
  store: Store;
  bus: ChangeBus;
  access: MailAccess;
  now?: () => string;
  limits?: MailLimits;
}

/** Missing parents of `name` in the account (RFC 9051 §6.3.4 creates them). */
async function missingParents(tx: StoreTx, accountId: string, name: string): Promise<string[]> {
  const missing = [];
  for (const parent of parentNames(name)) if (!await tx.mailboxes.getByName(accountId, parent)) missing.push(parent);
  return missing;
}

/** A new path within the name limits, and room in the account for it and its missing parents (mail-limits.ts). */
async function checkRoom(tx: StoreTx, accountId: string, name: string, adding: number, limits: MailLimits): Promise<void> {
  checkMailboxPath(name, limits);
  checkMailboxCount((await tx.mailboxes.list(accountId)).length, adding, limits);
}

async function createIn(tx: StoreTx, accountId: string, name: string, specialUse: SpecialUse | null, subscribe: boolean, createdAt: string): Promise<Mailbox> {
  try {
    return await tx.mailboxes.create({ id: randomUUID(), accountId, name, specialUse, subscribe, createdAt });
  } catch (err) {
    if (isStoaError(err, 'STOA_CONFLICT')) throw new StoaError('STOA_MAILBOX_EXISTS', name, { cause: err });
    throw err;
  }
}

/** Creates the missing parents of `name` (RFC 9051 §6.3.4 SHOULD). */
async function createParents(tx: StoreTx, accountId: string, name: string, createdAt: string): Promise<void> {
  for (const parent of parentNames(name)) {
    if (!await tx.mailboxes.getByName(accountId, parent)) await createIn(tx, accountId, parent, null, false, createdAt);
  }
}

/** Copies the ACL of a mailbox's parent onto it (public folders). */
async function inheritAcl(tx: StoreTx, ownerId: string, name: string): Promise<void> {
  const parentName = parentNames(name).at(-1);
  if (parentName === undefined) return;
  const [parent, child] = await Promise.all([tx.mailboxes.getByName(ownerId, parentName), tx.mailboxes.getByName(ownerId, name)]);
  if (!parent || !child) return;
  for (const entry of await tx.mailboxes.getAcl(parent.id)) await tx.mailboxes.setAcl(child.id, entry.identifier, entry.rights);
}

// The writes below take the caller's transaction, so a service that must
// commit a mailbox change together with other rows (the public-folder service
// and its audit entry) runs the same rules as MailboxService itself. Each
// returns the changed mailbox; the caller publishes it once the transaction
// has committed (publishMailboxChange).

/** Creates the mailbox and any missing parents (RFC 9051 §6.3.4). */
export async function createMailbox(
  tx: StoreTx, accountId: string, name: string, options: { specialUse?: SpecialUse | null; subscribe?: boolean }, at: string,
  limits: MailLimits = DEFAULT_MAIL_LIMITS,
): Promise<Mailbox> {
  const stored = normaliseMailboxName(name);
  const missing = await missingParents(tx, accountId, stored);
  await checkRoom(tx, accountId, stored, missing.length + 1, limits);
  await createParents(tx, accountId, stored, at);
  const created = await createIn(tx, accountId, stored, options.specialUse ?? null, options.subscribe ?? true, at);
  // Nobody owns a public folder, so a new sub-folder starts with its parent's ACL (RFC 4314 §5.1.1 leaves the initial ACL to the server).
  if (isPublicFolder(created)) for (const name of [...missing, stored]) await inheritAcl(tx, accountId, name);
  return created;
}

/** Renames with children; RFC 9051 §6.3.6 for INBOX. */
export async function renameMailbox(tx: StoreTx, mailboxId: string, newName: string, at: string, limits: MailLimits = DEFAULT_MAIL_LIMITS): Promise<Mailbox> {
  const target = normaliseMailboxName(newName);
  const mailbox = await tx.mailboxes.get(mailboxId);
  if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  if (isSameOrChild(target, mailbox.name)) throw new StoaError('STOA_MAILBOX_PROTECTED', `cannot rename ${mailbox.name} to ${target}`);
  if (await tx.mailboxes.getByName(mailbox.accountId, target)) throw new StoaError('STOA_MAILBOX_EXISTS', target);
  // The children move along: the deepest and longest of them must fit the limits too; INBOX's rename adds a mailbox.
  const family = (await tx.mailboxes.list(mailbox.accountId)).filter((m) => isSameOrChild(m.name, mailbox.name));
  for (const m of family) checkMailboxPath(target + m.name.slice(mailbox.name.length), limits);
  await checkRoom(tx, mailbox.accountId, target, (await missingParents(tx, mailbox.accountId, target)).length + (isInbox(mailbox.name) ? 1 : 0), limits);
  await createParents(tx, mailbox.accountId, target, at);
  if (!isInbox(mailbox.name)) {
    try {
      return await tx.mailboxes.rename(mailboxId, target);
    } catch (err) {
      if (isStoaError(err, 'STOA_CONFLICT')) throw new StoaError('STOA_MAILBOX_EXISTS', target, { cause: err });
      throw err;
    }
  }
  // RFC 9051 §6.3.6: renaming INBOX moves its messages to a new mailbox; INBOX stays, empty, and keeps its children.
  const created = await createIn(tx, mailbox.accountId, target, null, true, at);
  if (mailbox.uidNext > 1) await tx.messages.move(mailbox.id, [[1, mailbox.uidNext - 1]], created.id, at);
  return (await tx.mailboxes.get(created.id))!;
}

/** Refused for INBOX and for mailboxes with children; returns the mailbox as it was. */
export async function deleteMailbox(tx: StoreTx, mailboxId: string): Promise<Mailbox> {
  const mailbox = await tx.mailboxes.get(mailboxId);
  if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  if (isInbox(mailbox.name)) throw new StoaError('STOA_MAILBOX_PROTECTED', 'INBOX cannot be deleted');
  const all = await tx.mailboxes.list(mailbox.accountId);
  if (all.some((other) => other.id !== mailbox.id && isSameOrChild(other.name, mailbox.name))) throw new StoaError('STOA_MAILBOX_HAS_CHILDREN', mailbox.name);
  // An addressed public folder gives its address back with it (shared-mailbox-port.ts).
  if (isPublicFolder(mailbox)) await tx.publicFolderAddresses.delete(mailboxId);
  await tx.mailboxes.delete(mailboxId);
  return mailbox;
}

/** Sets (null: removes) one RFC 4314 ACL entry. */
export async function setMailboxAcl(tx: StoreTx, mailboxId: string, identifier: string, rights: string | null): Promise<Mailbox> {
  if (rights !== null && !/^[a-z0-9]*$/.test(rights)) throw new StoaError('STOA_VALIDATION', `not an RFC 4314 rights string: ${rights}`);
  await tx.mailboxes.setAcl(mailboxId, identifier, rights);
  const mailbox = await tx.mailboxes.get(mailboxId);
  if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  return mailbox;
}

/** Tells IDLE and NOTIFY listeners a mailbox changed; only after the change has committed. */
export function publishMailboxChange(bus: ChangeBus, m: Mailbox): void {
  bus.publish({ accountId: m.accountId, mailboxId: m.id, kind: 'mailbox', uids: [], modseq: m.highestModSeq });
}

export function createMailboxService({ store, bus, access, now = () => new Date().toISOString(), limits = DEFAULT_MAIL_LIMITS }: MailboxServiceDeps): MailboxService {

  const row = async (mailboxId: string): Promise<Mailbox> => {
    const mailbox = await store.mailboxes.get(mailboxId);
    if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
    return mailbox;
  };

  /** Operators have no mailbox (docs/architecture.md): nothing is created for, or delivered to, an account without a domain. */
  async function requireMailAccount(ownerId: string): Promise<void> {
    if (publicFolderDomain(ownerId) !== null) return;
    if (await access.domainOf(ownerId) === null) throw new StoaError('STOA_FORBIDDEN', 'operator accounts have no mailbox');
  }

  /**
   * RFC 4314 §4: a name in another owner's tree needs "k" on its parent,
   * which must exist; a top-level name there is refused (the owner, or an
   * administrator for public folders, makes those).
   */
  async function requireCreateRight(actor: Actor, ownerId: string, name: string): Promise<void> {
    if (isSystem(actor) || actor.id === ownerId) return;
    const parentName = parentNames(name).at(-1);
    // Full access (a delegated or shared mailbox) is the owner's own access: top-level folders included.
    if (parentName === undefined && await access.hasFullAccess(actor, ownerId)) return;
    const parent = parentName === undefined ? null : await store.mailboxes.getByName(ownerId, parentName);
    if (!parent) throw new StoaError('STOA_FORBIDDEN', 'only the owner creates top-level mailboxes');
    await access.require(actor, parent.id, 'k');
  }

  const service: MailboxService = {
    async create(actor, ownerId, name, options = {}) {
      const stored = normaliseMailboxName(name);
      await requireMailAccount(ownerId);
      await requireCreateRight(actor, ownerId, stored);
      const mailbox = await store.atomic((tx) => createMailbox(tx, ownerId, stored, options, now(), limits));
      publishMailboxChange(bus, mailbox);
      return mailbox;
    },

    async get(actor, mailboxId) {
      const { rights } = await access.require(actor, mailboxId, '');
      return { mailbox: await row(mailboxId), rights };
    },

    async find(actor, ownerId, name) {
      const mailbox = await store.mailboxes.getByName(ownerId, normaliseMailboxName(name));
      if (!mailbox) return null;
      const rights = await access.rights(actor, mailbox);
      // RFC 4314 §4: without "l" or "r" a mailbox must look as if it did not exist.
      return rights.includes('l') || rights.includes('r') ? { mailbox, rights } : null;
    },

    async list(actor, accountId) {
      access.requireSelf(actor, accountId);
      return store.mailboxes.list(accountId);
    },

    async rename(actor, mailboxId, newName) {
      const target = normaliseMailboxName(newName);
      const { ownerId } = await access.require(actor, mailboxId, 'x');
      await requireCreateRight(actor, ownerId, target);
      const renamed = await store.atomic((tx) => renameMailbox(tx, mailboxId, target, now(), limits));
      publishMailboxChange(bus, renamed);
      return renamed;
    },

    async delete(actor, mailboxId) {
      await access.require(actor, mailboxId, 'x');
      publishMailboxChange(bus, await store.atomic((tx) => deleteMailbox(tx, mailboxId)));
    },

    async setSpecialUse(actor, mailboxId, specialUse) {
      access.requireSelf(actor, await access.ownerOf(mailboxId));
      const mailbox = await store.mailboxes.setSpecialUse(mailboxId, specialUse);
      publishMailboxChange(bus, mailbox);
      return mailbox;
    },

    async status(actor, mailboxId) {
      await access.require(actor, mailboxId, 'r');
      return store.messages.status(mailboxId);
    },

    async subscribe(actor, accountId, name) {
      access.requireSelf(actor, accountId);
      await store.mailboxes.subscribe(accountId, normaliseMailboxName(name));
    },
    async unsubscribe(actor, accountId, name) {
      access.requireSelf(actor, accountId);
      await store.mailboxes.unsubscribe(accountId, normaliseMailboxName(name));
    },
    async subscriptions(actor, accountId) {
      access.requireSelf(actor, accountId);
      return store.mailboxes.subscriptions(accountId);
    },

    async setAcl(actor, mailboxId, identifier, rights) {
      const { ownerId } = await access.require(actor, mailboxId, 'a');
      // RFC 4314 §2: the owner always holds every right.
      if (identifier === ownerId) throw new StoaError('STOA_VALIDATION', 'the owner always holds every right');
      publishMailboxChange(bus, await store.atomic((tx) => setMailboxAcl(tx, mailboxId, identifier, rights)));
    },

    async getAcl(actor, mailboxId) {
      await access.require(actor, mailboxId, 'a');
      return store.mailboxes.getAcl(mailboxId);
    },

    async sharedWith(actor) {
      if (actor.id === null) return [];
      const me = actor.id;
      const identifiers = [me, ...await access.groupsOf(me), 'anyone', 'authenticated'];
      const out: Array<Awaited<ReturnType<MailboxService['sharedWith']>>[number]> = [];
      const seen = new Set<string>();
      for (const shared of await store.mailboxes.sharedWith(identifiers)) {
        if (shared.mailbox.accountId === me || isPublicFolder(shared.mailbox) || seen.has(shared.mailbox.id)) continue;
        seen.add(shared.mailbox.id);
        const myRights = await access.rights(actor, shared.mailbox);
        if (myRights !== '') out.push({ ...shared, myRights });
      }
      return out;
    },

    async myRights(actor, mailboxId) {
      return access.rights(actor, { id: mailboxId, accountId: await access.ownerOf(mailboxId) });
    },

    async publicFolders(actor) {
      if (actor.id === null) return [];
      const domainId = await access.domainOf(actor.id);
      if (domainId === null) return [];
      const out: MailboxAccess[] = [];
      for (const mailbox of await store.mailboxes.list(publicFolderOwner(domainId))) {
        const rights = await access.rights(actor, mailbox);
        if (rights !== '') out.push({ mailbox, rights });
      }
      return out;
    },

    async ensureDefaultMailboxes(actor, accountId) {
      access.requireSelf(actor, accountId);
      await requireMailAccount(accountId);
      const created: Mailbox[] = [];
      // Every login comes here: the usual answer (nothing missing) is a read, not a write transaction.
      const present = await store.mailboxes.list(accountId);
      if (DEFAULT_MAILBOXES.every((d) => present.some((m) => m.name === d.name || (d.specialUse !== null && m.specialUse === d.specialUse)))) return present;
      const all = await store.atomic(async (tx) => {
        const existing = await tx.mailboxes.list(accountId);
        for (const d of DEFAULT_MAILBOXES) {
          if (existing.some((m) => m.name === d.name || (d.specialUse !== null && m.specialUse === d.specialUse))) continue;
          created.push(await createIn(tx, accountId, d.name, d.specialUse, true, now()));
        }
        return tx.mailboxes.list(accountId);
      });
      for (const m of created) publishMailboxChange(bus, m);
      return all;
    },

    async quota(actor, accountId) {
      if (!isSystem(actor) && actor.id !== accountId && !await access.hasFullAccess(actor, accountId)) {
        const domainId = publicFolderDomain(accountId) ?? await access.domainOf(accountId);
        // Other accounts' usage is for administrators of their domain; to anyone else the account does not exist.
        if (actor.role === 'user' || !inScope(actor, domainId)) throw new StoaError('STOA_NOT_FOUND', `account ${accountId}`);
      }
      const [usage, limits] = await Promise.all([storageUsage(store, accountId), limitsOf(store, accountId)]);
      return { usage, limits };
    },

    async delegated(actor) {
      if (actor.id === null || await access.domainOf(actor.id).catch(() => null) === null) return [];
      const owners = new Map<string, DelegatedTree['kind']>();
      for (const g of await grantsHeldBy(store, actor.id, 'full-access')) if (g.ownerId !== actor.id) owners.set(g.ownerId, g.ownerKind);
      const out: DelegatedTree[] = [];
      for (const [ownerId, kind] of owners) {
        const owner = kind === 'shared-mailbox' ? await store.sharedMailboxes.get(ownerId) : await store.accounts.get(ownerId);
        if (!owner) continue;
        let mailboxes = await store.mailboxes.list(ownerId);
        // Nobody logs in as a shared mailbox (and a delegating user may not have yet): its folders are made when first opened, as at login.
        if (mailboxes.length === 0) mailboxes = await service.ensureDefaultMailboxes(systemActor(), ownerId);
        out.push({ ownerId, kind, address: owner.address, mailboxes });
      }
      return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    },
  };
  return service;
}
