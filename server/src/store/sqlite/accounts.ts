// Accounts: the largest table (100k+ rows), so listing relies on the
// per-sort-key indexes created in migration 1.
import type { Role } from '../../../../shared/src/schemas/directory.ts';
import type { AccountFilter, AccountRecord, AccountStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import { domainCondition, ownedStore } from './addresses.ts';
import { LINKED_WHERE } from './directory-connections.ts';
import type { Condition, ListSpec } from './listing.ts';
import { decodeRow, type TableMap } from './table-mapping.ts';

export const ACCOUNTS: TableMap<AccountRecord> = {
  table: 'accounts',
  fields: {
    id: ['id', 'value'],
    domainId: ['domain_id', 'value'],
    address: ['address', 'value'],
    displayName: ['display_name', 'value'],
    enabled: ['enabled', 'bool'],
    role: ['role', 'value'],
    adminDomainIds: ['admin_domain_ids', 'json'],
    quotaBytes: ['quota_bytes', 'value'],
    quotaMessages: ['quota_messages', 'value'],
    forwardTo: ['forward_to', 'json'],
    keepForwardedCopy: ['keep_forwarded_copy', 'bool'],
    passwordHash: ['password_hash', 'value'],
    passwordSetAt: ['password_set_at', 'value'],
    source: ['source', 'json'],
    createdAt: ['created_at', 'value'],
    updatedAt: ['updated_at', 'value'],
  },
};

export const ACCOUNT_LIST: ListSpec<'address' | 'displayName' | 'createdAt' | 'quotaBytes'> = {
  table: 'accounts',
  sort: {
    address: 'address',
    displayName: 'display_name COLLATE NOCASE',
    createdAt: 'created_at',
    quotaBytes: 'quota_bytes',
  },
  search: ['address', 'display_name'],
  scopeColumn: 'domain_id',
  trigramIndex: 'accounts_search',
};

export function accountConditions(filter: AccountFilter): Condition[] {
  const extra = domainCondition(filter.domainId);
  if (filter.enabled !== undefined) extra.push({ sql: 'enabled = ?', params: [filter.enabled ? 1 : 0] });
  if (filter.role !== undefined) extra.push({ sql: 'role = ?', params: [filter.role] });
  return extra;
}

/** Batches from this size on are loaded with one search-index rebuild. */
const BULK = 1000;

export function sqliteAccountStore(x: Executor): AccountStore {
  const owned = ownedStore(x, 'account', ACCOUNTS, ACCOUNT_LIST);
  return {
    create: owned.create,
    get: owned.get,
    getByAddress: owned.getByAddress,
    update: owned.update,
    delete: owned.delete,
    list: (opts) => owned.list(opts, accountConditions(opts)),
    countByRole: (role: Role, enabledOnly: boolean) => x.read((c) => Number(
      (enabledOnly
        ? c.get('SELECT count(*) AS n FROM accounts WHERE role = ? AND enabled = 1', role)
        : c.get('SELECT count(*) AS n FROM accounts WHERE role = ?', role))?.n ?? 0,
    )),
    countInDomain: owned.countInDomain,
    listLinked: (connectionId) => x.read((c) => c.all(`SELECT * FROM accounts WHERE ${LINKED_WHERE} ORDER BY address`, connectionId)
      .map((row) => decodeRow(ACCOUNTS, row))),
    getBySource: (connectionId, externalId) => x.read((c) => {
      const row = c.get(`SELECT * FROM accounts WHERE ${LINKED_WHERE} AND json_extract(source, '$.externalId') = ?`, connectionId, externalId);
      return row ? decodeRow(ACCOUNTS, row) : null;
    }),
    // One transaction and one cached statement pair for the whole batch.
    createMany: (accounts) => x.write((c) => {
      if (accounts.length < BULK) {
        for (const account of accounts) owned.insert(c, account);
        return;
      }
      // Row-by-row trigram indexing grows superlinearly inside one huge
      // transaction; one rebuild at the end is linear. The triggers come back
      // from their stored SQL, and DDL is transactional, so a failure leaves
      // the schema as it was.
      const triggers = c.all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts'");
      for (const t of triggers) c.exec(`DROP TRIGGER "${String(t.name)}"`);
      for (const account of accounts) owned.insert(c, account);
      for (const t of triggers) c.exec(String(t.sql));
      c.exec("INSERT INTO accounts_search (accounts_search) VALUES ('rebuild')");
      // The table's shape changed at once: fresh statistics keep the planner on
      // the sort indexes (analysis_limit keeps this quick).
      c.exec('ANALYZE accounts');
    }),
  };
}
