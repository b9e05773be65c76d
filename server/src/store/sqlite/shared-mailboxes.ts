// Shared mailboxes, delegation grants and public-folder addresses
// (shared-mailbox-port.ts). Shared mailboxes and addressed public folders
// claim their address in the one address space (addresses.ts) in the same
// transaction as their row.
import { StoaError } from '../../errors/catalogue.ts';
import type {
  GrantRight, MailboxGrantRecord, MailboxGrantStore, PublicFolderAddress, PublicFolderAddressStore, SharedMailbox, SharedMailboxStore,
} from '../shared-mailbox-port.ts';
import { claimAddress, ownedStore, releaseAddress } from './addresses.ts';
import type { Executor } from './sqlite-executor.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import { decodeRow, getRow, insertRow, type TableMap } from './table-mapping.ts';

/**
 * Migration SQL. The address space's CHECK constraint names every owner
 * kind, so the table is rebuilt with the two new kinds (SQLite cannot alter
 * a CHECK); nothing references it by foreign key.
 */
export const SHARED_MAILBOXES_SQL = `
  CREATE TABLE addresses_v18 (
    address TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('account', 'group', 'alias', 'resource', 'shared-mailbox', 'public-folder')),
    id TEXT NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO addresses_v18 (address, kind, id) SELECT address, kind, id FROM addresses;
  DROP TABLE addresses;
  ALTER TABLE addresses_v18 RENAME TO addresses;

  CREATE TABLE shared_mailboxes (
    id TEXT PRIMARY KEY,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    address TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    quota_bytes INTEGER NOT NULL,
    quota_messages INTEGER NOT NULL,
    forward_to TEXT NOT NULL,
    keep_forwarded_copy INTEGER NOT NULL,
    copy_sent INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX shared_mailboxes_domain_address ON shared_mailboxes (domain_id, address, id);
  CREATE INDEX shared_mailboxes_domain_name ON shared_mailboxes (domain_id, display_name COLLATE NOCASE, id);
  CREATE INDEX shared_mailboxes_created ON shared_mailboxes (created_at, id);
  CREATE INDEX shared_mailboxes_name ON shared_mailboxes (display_name COLLATE NOCASE, id);

  CREATE TABLE mailbox_grants (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('shared-mailbox', 'account')),
    domain_id TEXT NOT NULL,
    grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('account', 'group')),
    grantee_id TEXT NOT NULL,
    grant_right TEXT NOT NULL CHECK (grant_right IN ('full-access', 'send-as', 'send-on-behalf')),
    created_at TEXT NOT NULL,
    UNIQUE (owner_id, grantee_id, grant_right)
  );
  CREATE INDEX mailbox_grants_grantee ON mailbox_grants (grantee_id, grant_right);

  CREATE TABLE public_folder_addresses (
    mailbox_id TEXT PRIMARY KEY,
    domain_id TEXT NOT NULL REFERENCES domains(id),
    address TEXT NOT NULL UNIQUE,
    accept_external INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX public_folder_addresses_domain ON public_folder_addresses (domain_id, address);
`;

export const SHARED_MAILBOXES: TableMap<SharedMailbox> = {
  table: 'shared_mailboxes',
  fields: {
    id: ['id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    displayName: ['display_name', 'value'],
    enabled: ['enabled', 'bool'],
    quotaBytes: ['quota_bytes', 'value'],
    quotaMessages: ['quota_messages', 'value'],
    forwardTo: ['forward_to', 'json'],
    keepForwardedCopy: ['keep_forwarded_copy', 'bool'],
    copySent: ['copy_sent', 'bool'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

const GRANTS: TableMap<MailboxGrantRecord> = {
  table: 'mailbox_grants',
  fields: {
    id: ['id', 'value'],
    ownerId: ['owner_id', 'value'],
    ownerKind: ['owner_kind', 'value'],
    domainId: ['domain_id', 'value'],
    granteeKind: ['grantee_kind', 'value'],
    granteeId: ['grantee_id', 'value'],
    right: ['grant_right', 'value'],
    createdAt: ['created_at', 'value'],
  },
};

const FOLDER_ADDRESSES: TableMap<PublicFolderAddress> = {
  table: 'public_folder_addresses',
  fields: {
    mailboxId: ['mailbox_id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    acceptExternal: ['accept_external', 'bool'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

export function sqliteSharedMailboxStore(x: Executor): SharedMailboxStore {
  const owned = ownedStore(x, 'shared-mailbox', SHARED_MAILBOXES, {
    table: 'shared_mailboxes',
    sort: { address: 'address', displayName: 'display_name COLLATE NOCASE', createdAt: 'created_at' },
    search: ['address', 'display_name'],
    scopeColumn: 'domain_id',
  });
  return {
    create: (mailbox) => x.write((c) => {
      try {
        owned.insert(c, mailbox);
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `shared mailbox id ${mailbox.id} exists`, { cause: err });
        throw err;
      }
    }),
    get: owned.get,
    getByAddress: owned.getByAddress,
    update: owned.update,
    delete: owned.delete,
    list: (opts) => owned.list(opts),
    countInDomain: owned.countInDomain,
  };
}

export function sqliteMailboxGrantStore(x: Executor): MailboxGrantStore {
  const all = (sql: string, ...params: string[]) => x.read((c) => c.all(sql, ...params).map((row) => decodeRow(GRANTS, row)));
  const deleteWhere = (column: 'owner_id' | 'grantee_id', id: string) => x.write((c) => {
    const rows = c.all(`DELETE FROM mailbox_grants WHERE ${column} = ? RETURNING *`, id).map((row) => decodeRow(GRANTS, row));
    return rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  });
  return {
    add: (grant) => x.write((c) => {
      try {
        insertRow(c, GRANTS, grant);
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `${grant.granteeId} already holds ${grant.right} on ${grant.ownerId}`, { cause: err });
        throw err;
      }
    }),
    get: (id) => x.read((c) => getRow(c, GRANTS, 'id', id)),
    remove: (id) => x.write((c) => {
      if (c.run('DELETE FROM mailbox_grants WHERE id = ?', id) === 0) throw new StoaError('STOA_NOT_FOUND', `grant ${id}`);
    }),
    forOwner: (ownerId) => all('SELECT * FROM mailbox_grants WHERE owner_id = ? ORDER BY created_at, id', ownerId),
    forGrantees: (ids, right?: GrantRight) => {
      if (ids.length === 0) return Promise.resolve([]);
      const marks = ids.map(() => '?').join(', ');
      return right === undefined
        ? all(`SELECT * FROM mailbox_grants WHERE grantee_id IN (${marks}) ORDER BY created_at, id`, ...ids)
        : all(`SELECT * FROM mailbox_grants WHERE grantee_id IN (${marks}) AND grant_right = ? ORDER BY created_at, id`, ...ids, right);
    },
    countForOwner: (ownerId) => x.read((c) => Number(c.get('SELECT count(*) AS n FROM mailbox_grants WHERE owner_id = ?', ownerId)?.n ?? 0)),
    deleteForOwner: (ownerId) => deleteWhere('owner_id', ownerId),
    deleteForGrantee: (granteeId) => deleteWhere('grantee_id', granteeId),
  };
}

export function sqlitePublicFolderAddressStore(x: Executor): PublicFolderAddressStore {
  return {
    create: (entry) => x.write((c) => {
      if (c.get('SELECT 1 AS present FROM public_folder_addresses WHERE mailbox_id = ?', entry.mailboxId)) {
        throw new StoaError('STOA_CONFLICT', `public folder ${entry.mailboxId} has an address already`);
      }
      claimAddress(c, entry.address, 'public-folder', entry.mailboxId);
      insertRow(c, FOLDER_ADDRESSES, entry);
    }),
    getByMailbox: (mailboxId) => x.read((c) => getRow(c, FOLDER_ADDRESSES, 'mailbox_id', mailboxId)),
    getByAddress: (address) => x.read((c) => getRow(c, FOLDER_ADDRESSES, 'address', address)),
    update: (mailboxId, patch) => x.write((c) => {
      const current = getRow(c, FOLDER_ADDRESSES, 'mailbox_id', mailboxId);
      if (!current) throw new StoaError('STOA_NOT_FOUND', `public folder address ${mailboxId}`);
      const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      c.run('UPDATE public_folder_addresses SET accept_external = ?, updated_at = ? WHERE mailbox_id = ?', next.acceptExternal ? 1 : 0, next.updatedAt, mailboxId);
      return next;
    }),
    delete: (mailboxId) => x.write((c) => {
      const row = c.get('DELETE FROM public_folder_addresses WHERE mailbox_id = ? RETURNING address', mailboxId);
      if (!row) return false;
      releaseAddress(c, String(row.address), 'public-folder', mailboxId);
      return true;
    }),
    listInDomain: (domainId) => x.read((c) => c.all('SELECT * FROM public_folder_addresses WHERE domain_id = ? ORDER BY address', domainId)
      .map((row) => decodeRow(FOLDER_ADDRESSES, row))),
  };
}
