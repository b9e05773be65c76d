// DKIM signing keys per domain (filter-port.ts). insertActive swaps the active
// key of a domain and algorithm in one write transaction.
import { StoaError } from '../../errors/catalogue.ts';
import type { DkimAlgorithm, DkimKey, DkimKeyStore } from '../filter-port.ts';
import type { Row } from './sqlite-connection.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import type { Executor } from './sqlite-executor.ts';

export const DKIM_KEYS_SQL = `
  CREATE TABLE dkim_keys (
    id TEXT PRIMARY KEY,
    domain_id TEXT NOT NULL,
    selector TEXT NOT NULL,
    algorithm TEXT NOT NULL CHECK (algorithm IN ('rsa-sha256', 'ed25519-sha256')),
    private_key_pem TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    active INTEGER NOT NULL,
    UNIQUE (domain_id, selector)
  );
  -- At most one active key per domain and algorithm.
  CREATE UNIQUE INDEX dkim_keys_active ON dkim_keys (domain_id, algorithm) WHERE active = 1;
`;

function decode(row: Row): DkimKey {
  return {
    id: String(row.id),
    domainId: String(row.domain_id),
    selector: String(row.selector),
    algorithm: String(row.algorithm) as DkimAlgorithm,
    privateKeyPem: String(row.private_key_pem),
    publicKey: String(row.public_key),
    createdAt: String(row.created_at),
    active: Number(row.active) === 1,
  };
}

export function sqliteDkimKeyStore(x: Executor): DkimKeyStore {
  return {
    insertActive: (key) => x.write((c) => {
      c.run('UPDATE dkim_keys SET active = 0 WHERE domain_id = ? AND algorithm = ? AND active = 1', key.domainId, key.algorithm);
      try {
        c.run(
          `INSERT INTO dkim_keys (id, domain_id, selector, algorithm, private_key_pem, public_key, created_at, active)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
          key.id, key.domainId, key.selector, key.algorithm, key.privateKeyPem, key.publicKey, key.createdAt,
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `DKIM selector ${key.selector} is already used in this domain`, { cause: err });
        throw err;
      }
    }),
    active: (domainId) => x.read((c) => c.all('SELECT * FROM dkim_keys WHERE domain_id = ? AND active = 1 ORDER BY algorithm', domainId).map(decode)),
    listForDomain: (domainId) => x.read((c) => c.all('SELECT * FROM dkim_keys WHERE domain_id = ? ORDER BY created_at DESC, id DESC', domainId).map(decode)),
    deleteForDomain: (domainId) => x.write((c) => c.run('DELETE FROM dkim_keys WHERE domain_id = ?', domainId)),
  };
}
