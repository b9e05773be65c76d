// Who may do what on a collection (api.ts explains the rules). Read from the
// store on every call, so a revoked share, delegation or mailbox grant, or a
// changed group membership, takes effect at the next request.
//
// Calendar delegation follows the mailbox grant model of
// directory/delegation.ts: a Full Access grant on a mailbox (Exchange's
// FullAccess, which opens every folder, calendar and contacts included) makes
// its holder a read-write delegate of the owner's calendars and address
// books, resolved from the grant rows at every question like the mail rights
// are; DAV delegations (calendar-proxy-read / -write) add read or read-write
// delegates of the calendars alone.
import type { Actor } from '../directory/api.ts';
import { inScope } from '../directory/access.ts';
import { groupsContaining } from '../directory/delegation.ts';
import type { DavCollection, ShareAccess } from '../model/dav.ts';
import type { StoreTx } from '../store/port.ts';
import type { CollectionAccess } from './api.ts';
import { loadOwner } from './owners.ts';

type AccessStore = Pick<StoreTx, 'accounts' | 'sharedMailboxes' | 'resources' | 'groups' | 'dav' | 'mailboxGrants'>;

export const OWNER_ACCESS: CollectionAccess = { read: true, writeContent: true, writeProperties: true, manage: true, via: ['owner'] };
export const NO_ACCESS: CollectionAccess = { read: false, writeContent: false, writeProperties: false, manage: false, via: [] };

/** The account itself and every group it belongs to, nested groups included (cycles cut; directory/delegation.ts). */
export async function identitiesOf(store: Pick<StoreTx, 'groups'>, accountId: string): Promise<string[]> {
  return [accountId, ...await groupsContaining(store, { kind: 'account', id: accountId })];
}

function grantAccess(access: ShareAccess, via: 'share' | 'delegate' | 'full-access'): CollectionAccess {
  return { read: true, writeContent: access === 'read-write', writeProperties: false, manage: false, via: [via] };
}

export function union(a: CollectionAccess, b: CollectionAccess): CollectionAccess {
  return {
    read: a.read || b.read,
    writeContent: a.writeContent || b.writeContent,
    writeProperties: a.writeProperties || b.writeProperties,
    manage: a.manage || b.manage,
    via: [...new Set([...a.via, ...b.via])],
  };
}

/** May the actor administer the collections of this owner (server admin, or domain admin of its domain)? */
export async function administers(store: AccessStore, actor: Actor, ownerId: string): Promise<boolean> {
  if (actor.role === 'user') return false;
  if (actor.role === 'server-admin') return true;
  const owner = await loadOwner(store, ownerId);
  return owner !== null && inScope(actor, owner.domainId);
}

/**
 * The delegate access `identities` (an account and its groups) hold on the
 * collections of `ownerId` of this kind: a DAV delegation on calendars
 * ('delegate'), a Full Access mailbox grant on calendars and address books
 * ('full-access', read-write). NO_ACCESS: none.
 */
export async function delegateAccess(store: AccessStore, ownerId: string, kind: DavCollection['kind'], identities: readonly string[]): Promise<CollectionAccess> {
  if (kind === 'files') return NO_ACCESS;
  const ids = new Set(identities);
  let access = NO_ACCESS;
  if ((await store.mailboxGrants.forOwner(ownerId)).some((g) => g.right === 'full-access' && ids.has(g.granteeId))) access = grantAccess('read-write', 'full-access');
  if (kind !== 'calendar') return access;
  for (const d of await store.dav.delegationsOf(ownerId)) if (ids.has(d.delegateId)) access = union(access, grantAccess(d.access, 'delegate'));
  return access;
}

/** The caller's rights on a collection; NO_ACCESS when none. `identities` may be passed when already known. */
export async function accessTo(store: AccessStore, actor: Actor, col: DavCollection, identities?: readonly string[]): Promise<CollectionAccess> {
  if (actor.id !== null && actor.id === col.ownerId) return OWNER_ACCESS;
  // The server itself (scheduling, imports) acts with every right; it never comes from a login.
  if (actor.id === null) return { ...OWNER_ACCESS, via: ['admin'] };
  let access = NO_ACCESS;
  const ids = identities ?? await identitiesOf(store, actor.id);
  const idSet = new Set(ids);
  for (const s of await store.dav.listShares(col.id)) if (idSet.has(s.granteeId)) access = union(access, grantAccess(s.access, 'share'));
  access = union(access, await delegateAccess(store, col.ownerId, col.kind, ids));
  if (await administers(store, actor, col.ownerId)) {
    access = union(access, { read: true, writeContent: false, writeProperties: true, manage: true, via: ['admin'] });
  }
  return access;
}
