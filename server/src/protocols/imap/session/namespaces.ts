// IMAP mailbox names ↔ the mail service's mailboxes (RFC 2342 NAMESPACE,
// RFC 9051 §5.1): the personal namespace "" holds the account's own
// mailboxes; "Other Users/<address>/<path>" the mailboxes other accounts
// shared with it, through an ACL (RFC 4314) or a full-access delegation;
// shared mailboxes opened through full access appear under the configured
// prefix (mail.sharedMailboxes.imapPrefix: "Other Users" or "Shared");
// "Shared Folders/<path>" the public folders of the account's domain
// (mail/public-folders.ts), each shown only with the "l" right. Delimiter
// "/" everywhere.
import { systemActor } from '../../../directory/access.ts';
import { isStoaError } from '../../../errors/catalogue.ts';
import { ALL_RIGHTS, FULL_ACCESS_RIGHTS } from '../../../mail/mail-access.ts';
import { publicFolderOwner } from '../../../mail/public-folders.ts';
import type { Mailbox } from '../../../model/mail.ts';
import type { AuthedContext, ImapContext } from '../context.ts';

export const DELIMITER = '/';
export const OTHER_USERS = 'Other Users';
export const SHARED_FOLDERS = 'Shared Folders';

/** Every right (RFC 4314 §2.1): the owner's own. */
const OWN_RIGHTS = ALL_RIGHTS;

export interface ResolvedMailbox {
  mailbox: Mailbox;
  /** RFC 4314 rights of the session's account. */
  rights: string;
  /** The name as this client sees it. */
  imapName: string;
  /** Owner's address for "Other Users/…" and shared-mailbox names, null for the personal and public-folder namespaces. */
  owner: string | null;
  /** RFC 2342: which namespace the name is in ('other' for anyone else's mailbox, shared mailboxes included). */
  namespace: 'personal' | 'other' | 'shared';
}

export function accountId(ctx: AuthedContext): string {
  return ctx.session.account.id;
}

/** The prefix shared mailboxes are shown under (RFC 2342 other-users or shared section, see commands/namespace.ts). */
export function sharedMailboxPrefix(ctx: Pick<ImapContext, 'settings'>): string {
  return ctx.settings.sharedMailboxPrefix ?? OTHER_USERS;
}

/** "<prefix>/bob@x/Sales" → ["bob@x", "Sales"]; null for a name outside the prefix. */
function splitOwned(prefix: string, name: string): { owner: string; path: string } | null {
  if (!name.startsWith(prefix + DELIMITER)) return null;
  const rest = name.slice(prefix.length + 1);
  const slash = rest.indexOf(DELIMITER);
  if (slash <= 0) return { owner: rest, path: '' };
  return { owner: rest.slice(0, slash), path: rest.slice(slash + 1) };
}

/** "Other Users/bob@x/Sales" → ["bob@x", "Sales"]; null for a personal name. */
export function splitOtherUsers(name: string): { owner: string; path: string } | null {
  return splitOwned(OTHER_USERS, name);
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

async function orNull<T>(lookup: () => Promise<T>): Promise<T | null> {
  try {
    return await lookup();
  } catch (err) {
    if (isStoaError(err, 'STOA_NOT_FOUND') || isStoaError(err, 'STOA_INVALID_ADDRESS') || isStoaError(err, 'STOA_VALIDATION')) return null;
    throw err;
  }
}

/** An account's id by address under "Other Users/"; a shared mailbox's too when they share that prefix. */
export async function ownerAccountId(ctx: AuthedContext, owner: string): Promise<string | null> {
  const account = await orNull(() => ctx.services.accounts.get(systemActor(), owner));
  if (account) return account.id;
  return sharedMailboxPrefix(ctx) === OTHER_USERS ? sharedMailboxId(ctx, owner) : null;
}

async function sharedMailboxId(ctx: AuthedContext, owner: string): Promise<string | null> {
  return (await orNull(() => ctx.services.sharedMailboxes.get(systemActor(), owner)))?.id ?? null;
}

/** Where a name in another owner's tree points: the owner's id, the path in it, and the prefix it was named under. */
async function otherOwner(ctx: AuthedContext, name: string): Promise<{ ownerId: string | null; owner: string; path: string; prefix: string } | null> {
  const prefix = sharedMailboxPrefix(ctx);
  if (prefix !== OTHER_USERS) {
    const shared = splitOwned(prefix, name);
    if (shared) return { ...shared, prefix, ownerId: shared.path === '' ? null : await sharedMailboxId(ctx, shared.owner) };
  }
  const other = splitOtherUsers(name);
  if (!other) return null;
  return { ...other, prefix: OTHER_USERS, ownerId: other.path === '' ? null : await ownerAccountId(ctx, other.owner) };
}

/** The owner's address and the prefix its tree is shown under: accounts under "Other Users", shared mailboxes under the configured prefix. */
async function ownerName(ctx: AuthedContext, id: string, cache: Map<string, { address: string; prefix: string }>): Promise<{ address: string; prefix: string }> {
  let found = cache.get(id);
  if (found === undefined) {
    const account = await orNull(() => ctx.services.accounts.get(systemActor(), id));
    const shared = account ? null : await orNull(() => ctx.services.sharedMailboxes.get(systemActor(), id));
    found = account ? { address: account.address, prefix: OTHER_USERS } : { address: shared?.address ?? id, prefix: sharedMailboxPrefix(ctx) };
    cache.set(id, found);
  }
  return found;
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
  const other = await otherOwner(ctx, name);
  if (other === null) {
    const found = await findIn(ctx, accountId(ctx), name);
    return found ? { ...found, imapName: found.mailbox.name, owner: null, namespace: 'personal' } : null;
  }
  if (other.path === '' || other.ownerId === null || other.ownerId === accountId(ctx)) return null;
  const found = await findIn(ctx, other.ownerId, other.path);
  if (!found) return null;
  return { ...found, imapName: `${other.prefix}${DELIMITER}${other.owner}${DELIMITER}${found.mailbox.name}`, owner: other.owner, namespace: 'other' };
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

/**
 * Every mailbox the session may see: its own; the trees it holds full access
 * on (shared mailboxes, delegated accounts); single mailboxes shared with it
 * through an ACL; then its domain's public folders, by IMAP name.
 */
export async function visibleMailboxes(ctx: AuthedContext): Promise<ResolvedMailbox[]> {
  const { actor } = ctx.session;
  const own = await ctx.services.mailboxes.list(actor, accountId(ctx));
  const out: ResolvedMailbox[] = own.map((mailbox) => ({ mailbox, rights: OWN_RIGHTS, imapName: mailbox.name, owner: null, namespace: 'personal' }));
  const seen = new Set(out.map((o) => o.mailbox.id));
  for (const tree of await ctx.services.mailboxes.delegated(actor)) {
    const prefix = tree.kind === 'shared-mailbox' ? sharedMailboxPrefix(ctx) : OTHER_USERS;
    for (const mailbox of tree.mailboxes) {
      if (seen.has(mailbox.id)) continue;
      seen.add(mailbox.id);
      out.push({ mailbox, rights: FULL_ACCESS_RIGHTS, imapName: `${prefix}${DELIMITER}${tree.address}${DELIMITER}${mailbox.name}`, owner: tree.address, namespace: 'other' });
    }
  }
  const cache = new Map<string, { address: string; prefix: string }>();
  for (const shared of await ctx.services.mailboxes.sharedWith(actor)) {
    if (!shared.myRights.includes('l') || seen.has(shared.mailbox.id)) continue;
    seen.add(shared.mailbox.id);
    const owner = await ownerName(ctx, shared.mailbox.accountId, cache);
    out.push({ mailbox: shared.mailbox, rights: shared.myRights, imapName: `${owner.prefix}${DELIMITER}${owner.address}${DELIMITER}${shared.mailbox.name}`, owner: owner.address, namespace: 'other' });
  }
  // RFC 4314 §4: a public folder is listed only with "l".
  for (const { mailbox, rights } of await ctx.services.mailboxes.publicFolders(actor)) {
    if (rights.includes('l')) out.push({ mailbox, rights, imapName: `${SHARED_FOLDERS}${DELIMITER}${mailbox.name}`, owner: null, namespace: 'shared' });
  }
  return out;
}

/**
 * Where CREATE/RENAME put a new name: the owner account and the path in it.
 * A name under another owner's tree needs the "k" right on its parent
 * (RFC 4314 §4); a top-level one there is the mail service's to allow (full
 * access) or refuse.
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
  const other = await otherOwner(ctx, name);
  if (other === null) {
    const upper = name.toUpperCase();
    const reserved = upper === OTHER_USERS.toUpperCase() || upper === sharedMailboxPrefix(ctx).toUpperCase();
    return reserved ? 'invalid' : { accountId: accountId(ctx), path: name };
  }
  if (other.path === '') return 'invalid';
  if (other.ownerId === null) return 'forbidden';
  const slash = other.path.lastIndexOf(DELIMITER);
  if (slash < 0) return { accountId: other.ownerId, path: other.path };
  const parent = await findIn(ctx, other.ownerId, other.path.slice(0, slash));
  if (!parent?.rights.includes('k')) return 'forbidden';
  return { accountId: other.ownerId, path: other.path };
}
