// Console sessions and API tokens, keyed by the SHA-256 of the secret.
import type { ApiCredential, CredentialStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { decodeRow, getRow, insertRow, type TableMap } from './table-mapping.ts';

const CREDENTIALS: TableMap<ApiCredential> = {
  table: 'credentials',
  fields: {
    id: ['id', 'value'],
    kind: ['kind', 'value'],
    accountId: ['account_id', 'value'],
    name: ['name', 'value'],
    createdAt: ['created_at', 'value'],
    expiresAt: ['expires_at', 'value'],
    lastUsedAt: ['last_used_at', 'value'],
  },
};

export function sqliteCredentialStore(x: Executor): CredentialStore {
  return {
    create: (cred) => x.write((c) => insertRow(c, CREDENTIALS, cred)),
    get: (id) => x.read((c) => getRow(c, CREDENTIALS, 'id', id)),
    touch: (id, at) => x.write((c) => {
      if (c.run('UPDATE credentials SET last_used_at = ? WHERE id = ?', at, id) === 0) throw new StoaError('STOA_NOT_FOUND', 'credential');
    }),
    delete: (id) => x.write((c) => {
      if (c.run('DELETE FROM credentials WHERE id = ?', id) === 0) throw new StoaError('STOA_NOT_FOUND', 'credential');
    }),
    listForAccount: (accountId, kind) => x.read((c) => c.all(
      'SELECT * FROM credentials WHERE account_id = ? AND kind = ? ORDER BY created_at, id', accountId, kind,
    ).map((row) => decodeRow(CREDENTIALS, row))),
    deleteForAccount: (accountId) => x.write((c) => c.run('DELETE FROM credentials WHERE account_id = ?', accountId)),
    // ISO 8601 UTC timestamps of one format compare correctly as text.
    deleteExpired: (now) => x.write((c) => c.run('DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at <= ?', now)),
  };
}
