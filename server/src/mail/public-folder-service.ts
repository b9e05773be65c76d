// Administration of a domain's public folders (public-folders.ts): create,
// rename, delete and ACL grants, by server admins and by the domain admins of
// that domain only. Scope comes from the directory (DomainService.get answers
// NOT_FOUND outside a domain admin's domains); grantees must belong to the
// folder's domain. Every change commits in one transaction with its audit
// entry (docs/architecture.md), and its change event goes out after commit.
import type { Grantee, PublicFolder, PublicFolderAddressSet, PublicFolderGrant } from '../../../shared/src/schemas/public-folders.ts';
import { parseAddress } from '../directory/names.ts';
import { type AuditChange, writeAudit } from '../audit/audit-log.ts';
import { requireAdmin } from '../directory/access.ts';
import type { AccountService, Actor, DomainService, GroupService } from '../directory/api.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Mailbox } from '../model/mail.ts';
import type { Store, StoreTx } from '../store/port.ts';
import { DEFAULT_MAIL_LIMITS, type MailLimits } from './mail-limits.ts';
import { ALL_RIGHTS, createMailbox, deleteMailbox, publishMailboxChange, renameMailbox, setMailboxAcl } from './mailbox-service.ts';
import { publicFolderOwner } from './public-folders.ts';

export interface PublicFolderService {
  list(actor: Actor, domain: string): Promise<PublicFolder[]>;
  create(actor: Actor, domain: string, name: string): Promise<PublicFolder>;
  get(actor: Actor, domain: string, folderId: string): Promise<PublicFolder>;
  /** Children move along (RFC 9051 §6.3.6). */
  rename(actor: Actor, domain: string, folderId: string, name: string): Promise<PublicFolder>;
  /** Refused while the folder has sub-folders. */
  delete(actor: Actor, domain: string, folderId: string): Promise<void>;
  acl(actor: Actor, domain: string, folderId: string): Promise<PublicFolderGrant[]>;
  /** `grantee`: "anyone", or an account or group of the domain by id or address. Empty rights remove the entry. */
  grant(actor: Actor, domain: string, folderId: string, grantee: string, rights: string): Promise<PublicFolderGrant[]>;
  revoke(actor: Actor, domain: string, folderId: string, grantee: string): Promise<void>;
  /**
   * Gives the folder an address in its domain (or changes whether mail from
   * outside may post): mail to it is filed in the folder. Logged-in senders
   * need the folder's "p" right; `acceptExternal` decides for everyone else.
   */
  setAddress(actor: Actor, domain: string, folderId: string, input: PublicFolderAddressSet): Promise<PublicFolder>;
  /** The folder takes no more mail by address; its address is free again. */
  removeAddress(actor: Actor, domain: string, folderId: string): Promise<void>;
}

export interface PublicFolderServiceDeps {
  store: Store;
  /** Mailbox change events, published after each commit. */
  bus: ChangeBus;
  directory: { domains: Pick<DomainService, 'get'>; accounts: Pick<AccountService, 'get'>; groups: Pick<GroupService, 'get'> };
  now?: () => string;
  /** mail.limits: a domain's public folders count as one account's mailboxes. */
  limits?: MailLimits;
}

/** RFC 4314 §2.1.1: "c" → "k", "d" → "xte"; canonical order. */
function canonicalRights(rights: string): string {
  const expanded = rights.replace(/c/g, 'k').replace(/d/g, 'xte');
  for (const r of expanded) if (!ALL_RIGHTS.includes(r)) throw new StoaError('STOA_VALIDATION', `unknown right "${r}"`);
  return [...ALL_RIGHTS].filter((r) => expanded.includes(r)).join('');
}

export function createPublicFolderService({ store, bus, directory, now = () => new Date().toISOString(), limits = DEFAULT_MAIL_LIMITS }: PublicFolderServiceDeps): PublicFolderService {
  /** The domain, if the actor administers it (NOT_FOUND otherwise, as for every directory object). */
  async function domainOf(actor: Actor, domain: string): Promise<string> {
    requireAdmin(actor, 'manage public folders');
    return (await directory.domains.get(actor, domain)).id;
  }

  async function folderOf(actor: Actor, domain: string, folderId: string): Promise<{ domainId: string; mailbox: Mailbox }> {
    const domainId = await domainOf(actor, domain);
    const mailbox = await store.mailboxes.get(folderId);
    if (!mailbox || mailbox.accountId !== publicFolderOwner(domainId)) throw new StoaError('STOA_NOT_FOUND', `public folder "${folderId}" does not exist`);
    return { domainId, mailbox };
  }

  async function view(domainId: string, mailbox: Mailbox): Promise<PublicFolder> {
    const [status, address] = await Promise.all([store.messages.status(mailbox.id), store.publicFolderAddresses.getByMailbox(mailbox.id)]);
    return {
      id: mailbox.id, domainId, name: mailbox.name, messages: status.messages, createdAt: mailbox.createdAt,
      address: address?.address ?? null, acceptExternal: address?.acceptExternal ?? false,
    };
  }

  /**
   * Runs a folder change and writes its audit entry in the same transaction,
   * so neither commits without the other; then announces the changed mailbox.
   */
  async function change(
    actor: Actor, domainId: string,
    write: (tx: StoreTx, at: string) => Promise<{ mailbox: Mailbox; audit: Pick<AuditChange, 'action' | 'before' | 'after'> }>,
  ): Promise<Mailbox> {
    const { mailbox } = await store.atomic(async (tx) => {
      const at = now();
      const done = await write(tx, at);
      await writeAudit(tx, actor, at, { ...done.audit, objectType: 'public-folder', objectId: done.mailbox.id, domainId });
      return done;
    });
    publishMailboxChange(bus, mailbox);
    return mailbox;
  }

  /** The folder's current rights for one identifier ('' when it has none), read inside the transaction. */
  async function rightsOf(tx: StoreTx, mailboxId: string, identifier: string): Promise<string> {
    return (await tx.mailboxes.getAcl(mailboxId)).find((e) => e.identifier === identifier)?.rights ?? '';
  }

  /** A grantee reference → the ACL identifier, checked to be "anyone" or an account or group of the domain. */
  async function identifierOf(actor: Actor, domainId: string, ref: string): Promise<string> {
    if (ref.toLowerCase() === 'anyone') return 'anyone';
    for (const lookup of [() => directory.accounts.get(actor, ref), () => directory.groups.get(actor, ref)]) {
      try {
        const found = await lookup();
        if (found.domainId !== domainId) throw new StoaError('STOA_VALIDATION', `${ref} is not in the folder's domain`);
        return found.id;
      } catch (err) {
        if (!isStoaError(err, 'STOA_NOT_FOUND') && !isStoaError(err, 'STOA_INVALID_ADDRESS')) throw err;
      }
    }
    throw new StoaError('STOA_NOT_FOUND', `no account or group "${ref}"`);
  }

  async function granteeOf(identifier: string): Promise<Grantee> {
    if (identifier === 'anyone') return { kind: 'anyone', id: null, address: null };
    const account = await store.accounts.get(identifier);
    if (account) return { kind: 'account', id: account.id, address: account.address };
    const group = await store.groups.get(identifier);
    // An entry whose account or group was deleted still shows, by id, so it can be removed.
    return { kind: group ? 'group' : 'account', id: identifier, address: group?.address ?? null };
  }

  async function aclOf(mailboxId: string): Promise<PublicFolderGrant[]> {
    const out: PublicFolderGrant[] = [];
    for (const entry of await store.mailboxes.getAcl(mailboxId)) out.push({ grantee: await granteeOf(entry.identifier), rights: entry.rights });
    return out;
  }

  return {
    async list(actor, domain) {
      const domainId = await domainOf(actor, domain);
      const out: PublicFolder[] = [];
      for (const mailbox of await store.mailboxes.list(publicFolderOwner(domainId))) out.push(await view(domainId, mailbox));
      return out;
    },

    async create(actor, domain, name) {
      const domainId = await domainOf(actor, domain);
      const mailbox = await change(actor, domainId, async (tx, at) => {
        const created = await createMailbox(tx, publicFolderOwner(domainId), name, { subscribe: false }, at, limits);
        return { mailbox: created, audit: { action: 'create', before: null, after: { name: created.name } } };
      });
      return view(domainId, mailbox);
    },

    async get(actor, domain, folderId) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      return view(domainId, mailbox);
    },

    async rename(actor, domain, folderId, name) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const renamed = await change(actor, domainId, async (tx, at) => {
        const before = (await tx.mailboxes.get(mailbox.id))?.name ?? mailbox.name;
        const after = await renameMailbox(tx, mailbox.id, name, at, limits);
        return { mailbox: after, audit: { action: 'update', before: { name: before }, after: { name: after.name } } };
      });
      return view(domainId, renamed);
    },

    async delete(actor, domain, folderId) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      await change(actor, domainId, async (tx) => {
        const deleted = await deleteMailbox(tx, mailbox.id);
        return { mailbox: deleted, audit: { action: 'delete', before: { name: deleted.name }, after: null } };
      });
    },

    async acl(actor, domain, folderId) {
      const { mailbox } = await folderOf(actor, domain, folderId);
      return aclOf(mailbox.id);
    },

    async grant(actor, domain, folderId, grantee, rights) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const identifier = await identifierOf(actor, domainId, grantee);
      const next = canonicalRights(rights);
      await change(actor, domainId, async (tx) => {
        const before = await rightsOf(tx, mailbox.id, identifier);
        const changed = await setMailboxAcl(tx, mailbox.id, identifier, next === '' ? null : next);
        return { mailbox: changed, audit: { action: 'update', before: { acl: { [identifier]: before } }, after: { acl: { [identifier]: next } } } };
      });
      return aclOf(mailbox.id);
    },

    async setAddress(actor, domain, folderId, input) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const parsed = parseAddress(input.address);
      const folderDomain = await directory.domains.get(actor, domainId);
      if (parsed.domain !== folderDomain.name) {
        throw new StoaError('STOA_VALIDATION', `the address must be in the folder's domain ${folderDomain.name}`, { errors: [{ path: '/address', message: 'other domain' }] });
      }
      await store.atomic(async (tx) => {
        const at = now();
        const current = await tx.publicFolderAddresses.getByMailbox(mailbox.id);
        const acceptExternal = input.acceptExternal ?? current?.acceptExternal ?? false;
        if (current && current.address !== parsed.address) await tx.publicFolderAddresses.delete(mailbox.id);
        if (current && current.address === parsed.address) await tx.publicFolderAddresses.update(mailbox.id, { acceptExternal, updatedAt: at });
        else await tx.publicFolderAddresses.create({ mailboxId: mailbox.id, domainId, address: parsed.address, acceptExternal, createdAt: at, updatedAt: at });
        await writeAudit(tx, actor, at, {
          action: current ? 'update' : 'create', objectType: 'public-folder-address', objectId: mailbox.id, domainId,
          before: current ? { address: current.address, acceptExternal: current.acceptExternal } : null, after: { address: parsed.address, acceptExternal },
        });
      });
      return view(domainId, mailbox);
    },

    async removeAddress(actor, domain, folderId) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      await store.atomic(async (tx) => {
        const current = await tx.publicFolderAddresses.getByMailbox(mailbox.id);
        if (!current) throw new StoaError('STOA_NOT_FOUND', `public folder "${folderId}" has no address`);
        await tx.publicFolderAddresses.delete(mailbox.id);
        await writeAudit(tx, actor, now(), {
          action: 'delete', objectType: 'public-folder-address', objectId: mailbox.id, domainId, before: { address: current.address, acceptExternal: current.acceptExternal }, after: null,
        });
      });
    },

    async revoke(actor, domain, folderId, grantee) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const identifier = await identifierOf(actor, domainId, grantee);
      await change(actor, domainId, async (tx) => {
        const before = await rightsOf(tx, mailbox.id, identifier);
        const changed = await setMailboxAcl(tx, mailbox.id, identifier, null);
        return { mailbox: changed, audit: { action: 'update', before: { acl: { [identifier]: before } }, after: { acl: { [identifier]: '' } } } };
      });
    },
  };
}
