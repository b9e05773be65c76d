// Mailboxes of an account: names validated here (mailbox-name.ts), storage
// in the MailboxStore, change events after commit.
import { randomUUID } from 'node:crypto';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { AclEntry, Mailbox, SpecialUse } from '../store/mail-port.ts';
import type { Store, StoreTx } from '../store/port.ts';
import type { MailboxService } from './api.ts';
import { isInbox, isSameOrChild, normaliseMailboxName, parentNames } from './mailbox-name.ts';
import { isPublicFolder, publicFolderDomain, publicFolderOwner } from './public-folders.ts';
import { limitsOf } from './quota.ts';

/** RFC 4314 §2.1: every right, held by a mailbox's owner. */
export const ALL_RIGHTS = 'lrswipkxtea';

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
  now?: () => string;
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

async function groupClosure(tx: StoreTx, accountId: string): Promise<string[]> {
  const seen = new Set<string>();
  let frontier = (await tx.groups.containing({ kind: 'account', id: accountId })).map((g) => g.id);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      next.push(...(await tx.groups.containing({ kind: 'group', id })).map((g) => g.id));
    }
    frontier = next;
  }
  return [...seen];
}

/** Who an account is for ACL purposes: itself, every group it belongs to (nested groups included), and "anyone". */
async function identifiersOf(tx: StoreTx, accountId: string): Promise<Set<string>> {
  return new Set([accountId, ...await groupClosure(tx, accountId), 'anyone']);
}

/** RFC 4314 §2: the union of the rights of every entry naming one of the identifiers, in canonical order. */
function rightsFrom(acl: readonly AclEntry[], identifiers: ReadonlySet<string>): string {
  const rights = new Set<string>();
  for (const entry of acl) if (identifiers.has(entry.identifier)) for (const r of entry.rights) rights.add(r);
  return [...ALL_RIGHTS].filter((r) => rights.has(r)).join('');
}

// The writes below take the caller's transaction, so a service that must
// commit a mailbox change together with other rows (the public-folder service
// and its audit entry) runs the same rules as MailboxService itself. Each
// returns the changed mailbox; the caller publishes it once the transaction
// has committed (publishMailboxChange).

/** Creates the mailbox and any missing parents (RFC 9051 §6.3.4). */
export async function createMailbox(
  tx: StoreTx, accountId: string, name: string, options: { specialUse?: SpecialUse | null; subscribe?: boolean }, at: string,
): Promise<Mailbox> {
  const stored = normaliseMailboxName(name);
  const missing = [];
  for (const parent of parentNames(stored)) if (!await tx.mailboxes.getByName(accountId, parent)) missing.push(parent);
  await createParents(tx, accountId, stored, at);
  const created = await createIn(tx, accountId, stored, options.specialUse ?? null, options.subscribe ?? true, at);
  // Nobody owns a public folder, so a new sub-folder starts with its parent's ACL (RFC 4314 §5.1.1 leaves the initial ACL to the server).
  if (isPublicFolder(created)) for (const name of [...missing, stored]) await inheritAcl(tx, accountId, name);
  return created;
}

/** Renames with children; RFC 9051 §6.3.6 for INBOX. */
export async function renameMailbox(tx: StoreTx, mailboxId: string, newName: string, at: string): Promise<Mailbox> {
  const target = normaliseMailboxName(newName);
  const mailbox = await tx.mailboxes.get(mailboxId);
  if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
  if (isSameOrChild(target, mailbox.name)) throw new StoaError('STOA_MAILBOX_PROTECTED', `cannot rename ${mailbox.name} to ${target}`);
  if (await tx.mailboxes.getByName(mailbox.accountId, target)) throw new StoaError('STOA_MAILBOX_EXISTS', target);
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

export function createMailboxService({ store, bus, now = () => new Date().toISOString() }: MailboxServiceDeps): MailboxService {

  const get = async (mailboxId: string): Promise<Mailbox> => {
    const mailbox = await store.mailboxes.get(mailboxId);
    if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
    return mailbox;
  };

  const service: MailboxService = {
    async create(accountId, name, options = {}) {
      const mailbox = await store.atomic((tx) => createMailbox(tx, accountId, name, options, now()));
      publishMailboxChange(bus, mailbox);
      return mailbox;
    },

    get,

    async find(accountId, name) {
      return store.mailboxes.getByName(accountId, normaliseMailboxName(name));
    },

    list: (accountId) => store.mailboxes.list(accountId),

    async rename(mailboxId, newName) {
      const renamed = await store.atomic((tx) => renameMailbox(tx, mailboxId, newName, now()));
      publishMailboxChange(bus, renamed);
      return renamed;
    },

    async delete(mailboxId) {
      publishMailboxChange(bus, await store.atomic((tx) => deleteMailbox(tx, mailboxId)));
    },

    async setSpecialUse(mailboxId, specialUse) {
      const mailbox = await store.mailboxes.setSpecialUse(mailboxId, specialUse);
      publishMailboxChange(bus, mailbox);
      return mailbox;
    },

    status: (mailboxId) => store.messages.status(mailboxId),
    subscribe: (accountId, name) => store.mailboxes.subscribe(accountId, normaliseMailboxName(name)),
    unsubscribe: (accountId, name) => store.mailboxes.unsubscribe(accountId, normaliseMailboxName(name)),
    subscriptions: (accountId) => store.mailboxes.subscriptions(accountId),

    async setAcl(mailboxId, identifier, rights) {
      publishMailboxChange(bus, await store.atomic((tx) => setMailboxAcl(tx, mailboxId, identifier, rights)));
    },
    getAcl: (mailboxId) => store.mailboxes.getAcl(mailboxId),

    async sharedWith(accountId) {
      const identifiers = [accountId, ...await groupClosure(store, accountId), 'anyone'];
      return (await store.mailboxes.sharedWith(identifiers)).filter((s) => s.mailbox.accountId !== accountId && !isPublicFolder(s.mailbox));
    },

    async rightsFor(accountId, mailbox) {
      if (mailbox.accountId === accountId) return ALL_RIGHTS;
      const folderDomain = publicFolderDomain(mailbox.accountId);
      // A domain's public folders exist only for its own accounts, whatever their ACL says ("anyone" included).
      if (folderDomain !== null && (await store.accounts.get(accountId))?.domainId !== folderDomain) return '';
      return rightsFrom(await store.mailboxes.getAcl(mailbox.id), await identifiersOf(store, accountId));
    },

    async publicFolders(accountId) {
      const account = await store.accounts.get(accountId);
      if (!account?.domainId) return [];
      const folders = await store.mailboxes.list(publicFolderOwner(account.domainId));
      if (folders.length === 0) return [];
      const identifiers = await identifiersOf(store, accountId);
      const out: { mailbox: Mailbox; rights: string }[] = [];
      for (const mailbox of folders) {
        const rights = rightsFrom(await store.mailboxes.getAcl(mailbox.id), identifiers);
        if (rights !== '') out.push({ mailbox, rights });
      }
      return out;
    },

    async ensureDefaultMailboxes(accountId) {
      const created: Mailbox[] = [];
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

    async quota(accountId) {
      const [usage, limits] = await Promise.all([store.messages.usage(accountId), limitsOf(store, accountId)]);
      return { usage, limits };
    },
  };
  return service;
}
