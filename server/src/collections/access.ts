// Who may do what on a collection (api.ts explains the rules). Read from the
// store on every call, so a revoked share or a changed group membership
// takes effect at the next request.
import type { Actor } from '../directory/api.ts';
import { inScope } from '../directory/access.ts';
import type { DavCollection, ShareAccess } from '../model/dav.ts';
import type { Store } from '../store/port.ts';
import type { CollectionAccess } from './api.ts';

export const OWNER_ACCESS: CollectionAccess = { read: true, writeContent: true, writeProperties: true, manage: true, via: ['owner'] };
export const NO_ACCESS: CollectionAccess = { read: false, writeContent: false, writeProperties: false, manage: false, via: [] };

/** The account itself and every group it belongs to, nested groups included (cycles cut). */
export async function identitiesOf(store: Store, accountId: string): Promise<string[]> {
  const seen = new Set<string>();
  let frontier = [{ kind: 'account' as const, id: accountId }];
  for (let depth = 0; frontier.length > 0 && depth < 32; depth++) {
    const next: { kind: 'group'; id: string }[] = [];
    for (const member of frontier) {
      for (const g of await store.groups.containing(member)) {
        if (seen.has(g.id)) continue;
        seen.add(g.id);
        next.push({ kind: 'group', id: g.id });
      }
    }
    frontier = next as never;
  }
  return [accountId, ...seen];
}

function grantAccess(access: ShareAccess, via: 'share' | 'delegate'): CollectionAccess {
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

/** May the actor administer the collections of this account (server admin, or domain admin of its domain)? */
export async function administers(store: Store, actor: Actor, ownerId: string): Promise<boolean> {
  if (actor.role === 'user') return false;
  if (actor.role === 'server-admin') return true;
  const owner = await store.accounts.get(ownerId);
  return owner !== null && inScope(actor, owner.domainId);
}

/** The caller's rights on a collection; NO_ACCESS when none. `identities` may be passed when already known. */
export async function accessTo(store: Store, actor: Actor, col: DavCollection, identities?: readonly string[]): Promise<CollectionAccess> {
  if (actor.id !== null && actor.id === col.ownerId) return OWNER_ACCESS;
  // The server itself (scheduling, imports) acts with every right; it never comes from a login.
  if (actor.id === null) return { ...OWNER_ACCESS, via: ['admin'] };
  let access = NO_ACCESS;
  if (actor.id !== null) {
    const ids = new Set(identities ?? await identitiesOf(store, actor.id));
    for (const s of await store.dav.listShares(col.id)) if (ids.has(s.granteeId)) access = union(access, grantAccess(s.access, 'share'));
    if (col.kind === 'calendar') {
      for (const d of await store.dav.delegationsOf(col.ownerId)) if (ids.has(d.delegateId)) access = union(access, grantAccess(d.access, 'delegate'));
    }
  }
  if (actor.id === null || await administers(store, actor, col.ownerId)) {
    access = union(access, { read: true, writeContent: false, writeProperties: true, manage: true, via: ['admin'] });
  }
  return access;
}
