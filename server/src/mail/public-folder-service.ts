// Administration of a domain's public folders (public-folders.ts): create,
// rename, delete and ACL grants, by server admins and by the domain admins of
// that domain only. Scope comes from the directory (DomainService.get answers
// NOT_FOUND outside a domain admin's domains); grantees must belong to the
// folder's domain. Every change is written to the audit log.
import type { Grantee, PublicFolder, PublicFolderGrant } from '../../../shared/src/schemas/public-folders.ts';
import { requireAdmin } from '../directory/access.ts';
import type { AccountService, Actor, DomainService, GroupService } from '../directory/api.ts';
import { writeAudit } from '../directory/audit-log.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { Mailbox } from '../store/mail-port.ts';
import type { Store } from '../store/port.ts';
import type { MailboxService } from './api.ts';
import { ALL_RIGHTS } from './mailbox-service.ts';
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
}

export interface PublicFolderServiceDeps {
  store: Store;
  mailboxes: MailboxService;
  directory: { domains: Pick<DomainService, 'get'>; accounts: Pick<AccountService, 'get'>; groups: Pick<GroupService, 'get'> };
  now?: () => string;
}

/** RFC 4314 §2.1.1: "c" → "k", "d" → "xte"; canonical order. */
function canonicalRights(rights: string): string {
  const expanded = rights.replace(/c/g, 'k').replace(/d/g, 'xte');
  for (const r of expanded) if (!ALL_RIGHTS.includes(r)) throw new StoaError('STOA_VALIDATION', `unknown right "${r}"`);
  return [...ALL_RIGHTS].filter((r) => expanded.includes(r)).join('');
}

export function createPublicFolderService({ store, mailboxes, directory, now = () => new Date().toISOString() }: PublicFolderServiceDeps): PublicFolderService {
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
    const status = await store.messages.status(mailbox.id);
    return { id: mailbox.id, domainId, name: mailbox.name, messages: status.messages, createdAt: mailbox.createdAt };
  }

  async function audit(actor: Actor, action: 'create' | 'update' | 'delete', domainId: string, folderId: string, before: object | null, after: object | null): Promise<void> {
    await store.atomic((tx) => writeAudit(tx, actor, now(), { action, objectType: 'public-folder', objectId: folderId, domainId, before, after }));
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
    for (const entry of await mailboxes.getAcl(mailboxId)) out.push({ grantee: await granteeOf(entry.identifier), rights: entry.rights });
    return out;
  }

  return {
    async list(actor, domain) {
      const domainId = await domainOf(actor, domain);
      const out: PublicFolder[] = [];
      for (const mailbox of await mailboxes.list(publicFolderOwner(domainId))) out.push(await view(domainId, mailbox));
      return out;
    },

    async create(actor, domain, name) {
      const domainId = await domainOf(actor, domain);
      const mailbox = await mailboxes.create(publicFolderOwner(domainId), name, { subscribe: false });
      const folder = await view(domainId, mailbox);
      await audit(actor, 'create', domainId, mailbox.id, null, { name: mailbox.name });
      return folder;
    },

    async get(actor, domain, folderId) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      return view(domainId, mailbox);
    },

    async rename(actor, domain, folderId, name) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const renamed = await mailboxes.rename(mailbox.id, name);
      await audit(actor, 'update', domainId, mailbox.id, { name: mailbox.name }, { name: renamed.name });
      return view(domainId, renamed);
    },

    async delete(actor, domain, folderId) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      await mailboxes.delete(mailbox.id);
      await audit(actor, 'delete', domainId, mailbox.id, { name: mailbox.name }, null);
    },

    async acl(actor, domain, folderId) {
      const { mailbox } = await folderOf(actor, domain, folderId);
      return aclOf(mailbox.id);
    },

    async grant(actor, domain, folderId, grantee, rights) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const identifier = await identifierOf(actor, domainId, grantee);
      const next = canonicalRights(rights);
      const before = (await mailboxes.getAcl(mailbox.id)).find((e) => e.identifier === identifier)?.rights ?? '';
      await mailboxes.setAcl(mailbox.id, identifier, next === '' ? null : next);
      await audit(actor, 'update', domainId, mailbox.id, { acl: { [identifier]: before } }, { acl: { [identifier]: next } });
      return aclOf(mailbox.id);
    },

    async revoke(actor, domain, folderId, grantee) {
      const { domainId, mailbox } = await folderOf(actor, domain, folderId);
      const identifier = await identifierOf(actor, domainId, grantee);
      const before = (await mailboxes.getAcl(mailbox.id)).find((e) => e.identifier === identifier)?.rights ?? '';
      await mailboxes.setAcl(mailbox.id, identifier, null);
      await audit(actor, 'update', domainId, mailbox.id, { acl: { [identifier]: before } }, { acl: { [identifier]: '' } });
    },
  };
}
