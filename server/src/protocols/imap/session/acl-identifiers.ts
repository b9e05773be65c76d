// RFC 4314 identifiers ↔ the mail service's ACL entries: clients name users
// by address, the store keeps account ids; "anyone" is itself. Groups are
// named "$" + the group's address ("$sales@example.com"): RFC 4314 §2 lets a
// server mark group identifiers with a prefix, and the address is what users
// already know the group by. "$" may legally start a local part, so a
// "$…" identifier that names no group is tried as an account address. The
// store keeps the group id; membership (nested groups included) is resolved
// by the mail service at every rights check. Which names a user may use is
// the directory's rule (directory/share-targets.ts): their own domain, with
// unknown names throttled; a name in another domain answers like a missing
// one.
import { systemActor } from '../../../directory/access.ts';
import type { Actor } from '../../../directory/api.ts';
import { isStoaError } from '../../../errors/catalogue.ts';
import type { ImapContext } from '../context.ts';

export const ALL_RIGHTS = 'lrswipkxtea';

/** RFC 4314 §2.1.1: "c" and "d" of RFC 2086 map onto "k" and "xte". Null when a right is unknown. */
export function normaliseRights(rights: string): string | null {
  let out = '';
  for (const r of rights.toLowerCase()) {
    const mapped = r === 'c' ? 'k' : r === 'd' ? 'xte' : r;
    for (const m of mapped) {
      if (!ALL_RIGHTS.includes(m)) return null;
      if (!out.includes(m)) out += m;
    }
  }
  return [...ALL_RIGHTS].filter((r) => out.includes(r)).join('');
}

export const GROUP_PREFIX = '$';

const isMissing = (err: unknown): boolean =>
  isStoaError(err, 'STOA_NOT_FOUND') || isStoaError(err, 'STOA_VALIDATION') || isStoaError(err, 'STOA_INVALID_ADDRESS');

async function orNull<T>(lookup: () => Promise<T>): Promise<T | null> {
  try {
    return await lookup();
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/**
 * "anyone", an account address, or "$" + a group address → the ACL
 * identifier; null when the user may name nothing by it (missing, or in
 * another domain). Throws STOA_RATE_LIMITED (NO [LIMIT]) past the hourly
 * allowance of unknown names.
 */
export async function identifierToId(ctx: ImapContext, actor: Actor, identifier: string): Promise<string | null> {
  if (identifier.toLowerCase() === 'anyone') return 'anyone';
  return (await ctx.services.shareTargets.find(actor, identifier))?.id ?? null;
}

/** The ACL identifier as a client reads it: an address, "$" + a group address, or the bare id of something deleted. */
export async function idToIdentifier(ctx: ImapContext, id: string): Promise<string> {
  if (id === 'anyone') return id;
  const account = await orNull(() => ctx.services.accounts.get(systemActor(), id));
  if (account) return account.address;
  const group = await orNull(() => ctx.services.groups.get(systemActor(), id));
  if (group) return GROUP_PREFIX + group.address;
  // The owner of a shared mailbox's tree, named like an account (GETACL's owner entry).
  return (await orNull(() => ctx.services.sharedMailboxes.get(systemActor(), id)))?.address ?? id;
}
