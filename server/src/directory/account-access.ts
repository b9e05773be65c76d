// Loading accounts with the caller's rights applied, and the invariants that
// protect the server from locking itself out.
import type { Account } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { AccountRecord, StoreTx } from '../store/port.ts';
import { forbidden, notFound, requireAccountChangeable, requireAccountVisible } from './access.ts';
import type { Actor } from './api.ts';
import { findAccount } from './lookup.ts';

/** The public view: the password hash never leaves the directory. */
export function toAccount(record: AccountRecord): Account {
  const { passwordHash: _hash, ...account } = record;
  return account;
}

/**
 * An account the actor may read (`mode` 'read') or change ('change'). A user
 * asking for anyone but themselves gets FORBIDDEN whether or not the account
 * exists; a domain admin gets NOT_FOUND outside their domains.
 */
export async function loadAccount(db: StoreTx, actor: Actor, key: string, mode: 'read' | 'change'): Promise<AccountRecord> {
  const record = await findAccount(db, key);
  if (!record) {
    if (actor.role === 'user') throw forbidden('you may only see your own account');
    throw notFound('account', key);
  }
  if (mode === 'read') requireAccountVisible(actor, record, key);
  else requireAccountChangeable(actor, record, key);
  return record;
}

/**
 * Refuses a change that would leave no enabled server admin: nobody could
 * then manage the server without editing the database by hand.
 */
export async function guardLastAdmin(db: StoreTx, target: Account, stillEnabledAdmin: boolean): Promise<void> {
  if (stillEnabledAdmin || target.role !== 'server-admin' || !target.enabled) return;
  if (await db.accounts.countByRole('server-admin', true) <= 1) {
    throw new StoaError('STOA_LAST_ADMIN', `"${target.address}" is the last enabled server admin`);
  }
}
