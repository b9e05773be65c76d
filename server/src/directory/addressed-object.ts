// Groups, aliases and resources: objects that own one address in one domain
// and that only administrators manage. Finding one and listing them go the
// same way for the three kinds.
import type { DomainScope, ListOptions, Page, StoreTx } from '../store/port.ts';
import { listScope, notFound, requireAdmin, requireVisible } from './access.ts';
import type { Actor, ListParams } from './api.ts';
import { domainFilter } from './domain-scope.ts';
import { toListOptions } from './list-params.ts';
import { findByIdOrAddress } from './lookup.ts';

export type AddressedKind = 'group' | 'alias' | 'resource';

const PLURAL: Readonly<Record<AddressedKind, string>> = { group: 'groups', alias: 'aliases', resource: 'resources' };

interface AddressedLookup<T> {
  get(id: string): Promise<T | null>;
  getByAddress(address: string): Promise<T | null>;
}

/**
 * The object with this id or address, if the actor may manage it; an object
 * outside the actor's domains is reported as missing (access.ts).
 */
export async function loadAddressed<T extends { domainId: string | null }>(
  kind: AddressedKind, lookup: AddressedLookup<T>, actor: Actor, key: string, allowCatchAll = false,
): Promise<T> {
  requireAdmin(actor, `manage ${PLURAL[kind]}`);
  const found = await findByIdOrAddress(key, (id) => lookup.get(id), (a) => lookup.getByAddress(a), allowCatchAll);
  if (!found) throw notFound(kind, key);
  requireVisible(actor, found.domainId, kind, key);
  return found;
}

/** One page of the objects in the actor's domains, sorted by address unless asked otherwise, optionally of one domain. */
export async function listAddressed<S extends string, T>(
  db: StoreTx, actor: Actor, kind: AddressedKind, params: ListParams<S> & { domain?: string },
  list: (opts: ListOptions<S> & { scope: DomainScope; domainId?: string }) => Promise<Page<T>>,
): Promise<Page<T>> {
  const scope = listScope(actor, PLURAL[kind]);
  const domainId = await domainFilter(db, actor, params.domain);
  return list({ ...toListOptions(params, 'address' as S), scope, ...(domainId !== undefined ? { domainId } : {}) });
}
