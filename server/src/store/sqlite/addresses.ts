// The shared address space: accounts, groups, aliases and resources all claim
// their address here, in the same transaction as their own row.
import { StoaError } from '../../errors/catalogue.ts';
import type { AddressOwnerKind, AddressStore, DomainScope, ListOptions, Page } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import { listRows, mapPage, type Condition, type ListSpec } from './listing.ts';
import { countWhere, decodeRow, getRow, insertRow, updateRow, type TableMap } from './table-mapping.ts';

export function claimAddress(c: SqliteConnection, address: string, kind: AddressOwnerKind, id: string): void {
  try {
    c.run('INSERT INTO addresses (address, kind, id) VALUES (?, ?, ?)', address, kind, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw new StoaError('STOA_ADDRESS_TAKEN', address, { cause: err });
    throw err;
  }
}

export function releaseAddress(c: SqliteConnection, address: string, kind: AddressOwnerKind, id: string): void {
  c.run('DELETE FROM addresses WHERE address = ? AND kind = ? AND id = ?', address, kind, id);
}

/** Inserts an owner row after claiming its address; a duplicate id is a conflict, not a taken address. */
export function insertOwned(c: SqliteConnection, address: string, kind: AddressOwnerKind, id: string, insert: () => void): void {
  claimAddress(c, address, kind, id);
  insert();
}

/** Deletes an owner row and releases its address; STOA_NOT_FOUND when missing. */
export function deleteOwned(c: SqliteConnection, table: string, kind: AddressOwnerKind, id: string): void {
  const row = c.get(`DELETE FROM ${table} WHERE id = ? RETURNING address`, id);
  if (!row) throw new StoaError('STOA_NOT_FOUND', `${kind} ${id}`);
  releaseAddress(c, String(row.address), kind, id);
}

/** Fields no patch may change on an owner row (the address claim depends on them). */
export const OWNED_IMMUTABLE = ['id', 'address', 'domainId', 'createdAt'] as const;

/** The store methods every address owner shares, over its own table. */
export interface OwnedStore<T, S extends string> {
  /** Claims the address and inserts the row on an open write connection. */
  insert(c: SqliteConnection, entity: T): void;
  create(entity: T): Promise<void>;
  get(id: string): Promise<T | null>;
  getByAddress(address: string): Promise<T | null>;
  update(id: string, patch: object): Promise<T>;
  delete(id: string): Promise<void>;
  /** `conditions` defaults to the `domainId` filter alone. */
  list(opts: ListOptions<S> & { scope: DomainScope; domainId?: string }, conditions?: Condition[]): Promise<Page<T>>;
  countInDomain(domainId: string): Promise<number>;
}

export function domainCondition(domainId: string | undefined): Condition[] {
  return domainId !== undefined ? [{ sql: 'domain_id = ?', params: [domainId] }] : [];
}

export function ownedStore<T extends { id: string; address: string }, S extends string>(
  x: Executor, kind: AddressOwnerKind, map: TableMap<T>, listing: ListSpec<S>,
): OwnedStore<T, S> {
  const insert = (c: SqliteConnection, entity: T): void => {
    insertOwned(c, entity.address, kind, entity.id, () => insertRow(c, map, entity));
  };
  return {
    insert,
    create: (entity) => x.write((c) => insert(c, entity)),
    get: (id) => x.readRow(`${map.table}:${id}`, (c) => getRow(c, map, 'id', id)),
    getByAddress: (address) => x.read((c) => getRow(c, map, 'address', address)),
    update: (id, patch) => x.write((c) => updateRow(c, map, id, patch, OWNED_IMMUTABLE)),
    delete: (id) => x.write((c) => deleteOwned(c, map.table, kind, id)),
    list: (opts, conditions = domainCondition(opts.domainId)) => x.read((c) => mapPage(
      listRows(c, listing, opts, conditions),
      (row) => decodeRow(map, row),
    )),
    countInDomain: (domainId) => x.read((c) => countWhere(c, map.table, 'domain_id', domainId)),
  };
}

export function sqliteAddressStore(x: Executor): AddressStore {
  return {
    resolve: (address) => x.read((c) => {
      const row = c.get('SELECT kind, id FROM addresses WHERE address = ?', address);
      return row ? { kind: row.kind as AddressOwnerKind, id: String(row.id) } : null;
    }),
  };
}
