// IMAP mailbox names ↔ the mail service's mailboxes (RFC 2342 NAMESPACE,
// RFC 9051 §5.1): the personal namespace "" holds the account's own
// mailboxes; "Other Users/<address>/<path>" the mailboxes other accounts
// shared with it through an ACL (RFC 4314); "Shared Folders/<path>" the
// public folders of the account's domain (mail/public-folders.ts), each
// shown only with the "l" right. Delimiter "/" everywhere.
import { systemActor } from '../../../directory/access.ts';
import { isStoaError } from '../../../errors/catalogue.ts';
import { publicFolderOwner } from '../../../mail/public-folders.ts';
import type { Mailbox } from '../../../model/mail.ts';
import type { AuthedContext } from '../context.ts';

export const DELIMITER = '/';
export const OTHER_USERS = 'Other Users';
export const SHARED_FOLDERS = 'Shared Folders';

export interface ResolvedMailbox {
  mailbox: Mailbox;
  /** RFC 4314 rights of the session's account. */
  rights: string;
  /** The name as this client sees it. */
  imapName: string;
  /** Owner's address for "Other Users/…" names, null for the personal and shared namespaces. */
  owner: string | null;
  /** RFC 2342: which namespace the name is in. */
  namespace: 'personal' | 'other' | 'shared';
}

export function accountId(ctx: AuthedContext): string {
  return ctx.session.account.id;
}

/** "Other Users/bob@x/Sales" → ["bob@x", "Sales"]; null for a personal name. */
export function splitOtherUsers(name: string): { owner: string; path: string } | null {
  if (!name.startsWith(OTHER_USERS + DELIMITER)) return null;
  const rest = name.slice(OTHER_USERS.length + 1);
  const slash = rest.indexOf(DELIMITER);
  if (slash <= 0) return { owner: rest, path: '' };
  return { owner: rest.slice(0, slash), path: rest.slice(slash + 1) };
}

/** "Shared Folders/Sales/Leads" → "Sales/Leads"; "" for the prefix itself; null outside the shared namespace. */
export function splitSharedFolders(name: string): string | null {
  if (name === SHARED_FOLDERS) return '';
  return name.startsWith(SHARED_FOLDERS + DELIMITER) ? name.slice(SHARED_FOLDERS.length + 1) : null;
}

/** The public folders' owner id for the session's domain; null for an account without a domain (operators). */
function publicOwner(ctx: AuthedContext): string | null {
  const domainId = ctx.session.account.domainId;
  return domainId ? publicFolderOwner(domainId) : null;
}

export async function ownerAccountId(ctx: AuthedContext, owner: string): Promise<string | null> {
  try {
    return (await ctx.services.accounts.get(systemActor(), owner)).id;
  } catch (err) {
    if (isStoaError(err, 'STOA_NOT_FOUND')) return null;
    throw err;
  }
}

async function ownerAddress(ctx: AuthedContext, id: string, cache: Map<string, string>): Promise<string> {
  let address = cache.get(id);
  if (address === undefined) {
    address = (await ctx.services.accounts.get(systemActor(), id)).address;
    cache.set(id, address);
  }
  return address;
}

/**
 * The mailbox an IMAP name denotes, with the caller's rights; null when it
 * does not exist or the caller may neither list nor read it (RFC 4314 §4:
 * without "l" or "r" the mailbox must look nonexistent).
 */
export async function resolveMailbox(ctx: AuthedContext, name: string): Promise<ResolvedMailbox | null> {
  const shared = splitSharedFolders(name);
  if (shared !== null) {
    const owner = publicOwner(ctx);
    if (shared === '' || owner === null) return null;
    const found = await findIn(ctx, owner, shared);
    if (!found) return null;
    return { ...found, imapName: `${SHARED_FOLDERS}${DELIMITER}${found.mailbox.name}`, owner: null, namespace: 'shared' };
  }
  const other = splitOtherUsers(name);
  if (other === null) {
    const found = await findIn(ctx, accountId(ctx), name);
    return found ? { ...found, imapName: found.mailbox.name, owner: null, namespace: 'personal' } : null;
  }
  if (other.path === '') return null;
  const ownerId = await ownerAccountId(ctx, other.owner);
  if (ownerId === null || ownerId === accountId(ctx)) return null;
  const found = await findIn(ctx, ownerId, other.path);
  if (!found) return null;
  return { ...found, imapName: `${OTHER_USERS}${DELIMITER}${other.owner}${DELIMITER}${found.mailbox.name}`, owner: other.owner, namespace: 'other' };
}

/** The mailbox with the caller's rights; null when it does not exist or the caller may neither list nor read it (RFC 4314 §4). */
async function findIn(ctx: AuthedContext, owner: string, name: string): Promise<{ mailbox: Mailbox; rights: string } | null> {
  try {
    return await ctx.services.mailboxes.find(ctx.session.actor, owner, name);
  } catch (err) {
    // A name the service would refuse to create cannot exist either.
    if (isStoaError(err, 'STOA_MAILBOX_NAME_INVALID')) return null;
    throw err;
  }
}

/** Every mailbox the session may see: its own, those shared with it, then its domain's public folders, by IMAP name. */
export async function visibleMailboxes(ctx: AuthedContext): Promise<ResolvedMailbox[]> {
  const { actor } = ctx.session;
  const own = await ctx.services.mailboxes.list(actor, accountId(ctx));
  const out: ResolvedMailbox[] = own.map((mailbox) => ({ mailbox, rights: 'lrswipkxtea', imapName: mailbox.name, owner: null, namespace: 'personal' }));
  const cache = new Map<string, string>();
  for (const shared of await ctx.services.mailboxes.sharedWith(actor)) {
    if (!shared.myRights.includes('l')) continue;
    const owner = await ownerAddress(ctx, shared.mailbox.accountId, cache);
    if (out.some((o) => o.mailbox.id === shared.mailbox.id)) continue;
    out.push({ mailbox: shared.mailbox, rights: shared.myRights, imapName: `${OTHER_USERS}${DELIMITER}${owner}${DELIMITER}${shared.mailbox.name}`, owner, namespace: 'other' });
  }
  // RFC 4314 §4: a public folder is listed only with "l".
  for (const { mailbox, rights } of await ctx.services.mailboxes.publicFolders(actor)) {
    if (rights.includes('l')) out.push({ mailbox, rights, imapName: `${SHARED_FOLDERS}${DELIMITER}${mailbox.name}`, owner: null, namespace: 'shared' });
  }
  return out;
}

/**
 * Where CREATE/RENAME put a new name: the owner account and the path in it.
 * A name under "Other Users/<owner>/" needs the "k" right on its parent (RFC 4314 §4).
 */
export async function creationTarget(ctx: AuthedContext, name: string): Promise<{ accountId: string; path: string } | 'forbidden' | 'invalid'> {
  const shared = splitSharedFolders(name);
  if (shared !== null) {
    const owner = publicOwner(ctx);
    if (shared === '' || owner === null) return 'invalid';
    // Top-level public folders are made by administrators; below one, "k" on the parent (RFC 4314 §4).
    const slash = shared.lastIndexOf(DELIMITER);
    if (slash < 0) return 'forbidden';
    const parent = await findIn(ctx, owner, shared.slice(0, slash));
    if (!parent?.rights.includes('k')) return 'forbidden';
    return { accountId: owner, path: shared };
  }
  const other = splitOtherUsers(name);
  if (other === null) return name.toUpperCase() === OTHER_USERS.toUpperCase() ? 'invalid' : { accountId: accountId(ctx), path: name };
  if (other.path === '') return 'invalid';
  const ownerId = await ownerAccountId(ctx, other.owner);
  if (ownerId === null) return 'forbidden';
  const slash = other.path.lastIndexOf(DELIMITER);
  if (slash < 0) return 'forbidden';
  const parent = await findIn(ctx, ownerId, other.path.slice(0, slash));
  if (!parent?.rights.includes('k')) return 'forbidden';
  return { accountId: ownerId, path: other.path };
}
