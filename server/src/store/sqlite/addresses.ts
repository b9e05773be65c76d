// The shared address space: accounts, groups, aliases and resources all claim
// their address here, in the same transaction as their own row.
import { StoaError } from '../../errors/catalogue.ts';
import type { AddressOwnerKind, AddressStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { isUniqueViolation } from './sqlite-errors.ts';

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

export function sqliteAddressStore(x: Executor): AddressStore {
  return {
    resolve: (address) => x.read((c) => {
      const row = c.get('SELECT kind, id FROM addresses WHERE address = ?', address);
      return row ? { kind: row.kind as AddressOwnerKind, id: String(row.id) } : null;
    }),
  };
}
