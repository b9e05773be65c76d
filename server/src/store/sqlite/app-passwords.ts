// Per-device app passwords (secret stored as an argon2id PHC string only).
import type { AppPasswordRecord, AppPasswordStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { decodeRow, getRow, insertRow, type TableMap } from './table-mapping.ts';

const APP_PASSWORDS: TableMap<AppPasswordRecord> = {
  table: 'app_passwords',
  fields: {
    id: ['id', 'value'],
    accountId: ['account_id', 'value'],
    name: ['name', 'value'],
    secretHash: ['secret_hash', 'value'],
    createdAt: ['created_at', 'value'],
    lastUsedAt: ['last_used_at', 'value'],
    lastUsedIp: ['last_used_ip', 'value'],
    lookup: ['lookup', 'value'],
  },
};

export function sqliteAppPasswordStore(x: Executor): AppPasswordStore {
  return {
    create: (record) => x.write((c) => insertRow(c, APP_PASSWORDS, record)),
    listForAccount: (accountId) => x.read((c) => c.all(
      'SELECT * FROM app_passwords WHERE account_id = ? ORDER BY created_at, id', accountId,
    ).map((row) => decodeRow(APP_PASSWORDS, row))),
    get: (id) => x.read((c) => getRow(c, APP_PASSWORDS, 'id', id)),
    findByLookup: (accountId, lookup) => x.read((c) => {
      // Creation keeps lookups unique per account; ORDER BY makes a stray duplicate deterministic.
      const row = c.get('SELECT * FROM app_passwords WHERE account_id = ? AND lookup = ? ORDER BY created_at, id LIMIT 1', accountId, lookup);
      return row ? decodeRow(APP_PASSWORDS, row) : null;
    }),
    setLookup: (id, lookup) => x.write((c) => {
      if (c.run('UPDATE app_passwords SET lookup = ? WHERE id = ?', lookup, id) === 0) throw new StoaError('STOA_NOT_FOUND', `app password ${id}`);
    }),
    touch: (id, at, ip) => x.write((c) => {
      if (c.run('UPDATE app_passwords SET last_used_at = ?, last_used_ip = ? WHERE id = ?', at, ip, id) === 0) {
        throw new StoaError('STOA_NOT_FOUND', `app password ${id}`);
      }
    }),
    delete: (id) => x.write((c) => {
      if (c.run('DELETE FROM app_passwords WHERE id = ?', id) === 0) throw new StoaError('STOA_NOT_FOUND', `app password ${id}`);
    }),
    deleteForAccount: (accountId) => x.write((c) => c.run('DELETE FROM app_passwords WHERE account_id = ?', accountId)),
  };
}
