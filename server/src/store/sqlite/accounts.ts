// Accounts: the largest table (100k+ rows), so listing relies on the
// per-sort-key indexes created in migration 1.
import type { Role } from '../../../../shared/src/schemas/directory.ts';
import type { AccountFilter, AccountRecord, AccountStore } from '../port.ts';
import type { Executor } from './sqlite-executor.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { deleteOwned, insertOwned } from './addresses.ts';
import { listRows, mapPage, type Condition, type ListSpec } from './listing.ts';
import { countWhere, decodeRow, getRow, insertRow, updateRow, type TableMap } from './table-mapping.ts';

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
  const extra: Condition[] = [];
  if (filter.domainId !== undefined) extra.push({ sql: 'domain_id = ?', params: [filter.domainId] });
  if (filter.enabled !== undefined) extra.push({ sql: 'enabled = ?', params: [filter.enabled ? 1 : 0] });
  if (filter.role !== undefined) extra.push({ sql: 'role = ?', params: [filter.role] });
  return extra;
}

/** Batches from this size on are loaded with one search-index rebuild. */
const BULK = 1000;

function insertAccount(c: SqliteConnection, account: AccountRecord): void {
  insertOwned(c, account.address, 'account', account.id, () => insertRow(c, ACCOUNTS, account));
}

export function sqliteAccountStore(x: Executor): AccountStore {
  return {
    create: (account) => x.write((c) => insertAccount(c, account)),
    get: (id) => x.read((c) => getRow(c, ACCOUNTS, 'id', id)),
    getByAddress: (address) => x.read((c) => getRow(c, ACCOUNTS, 'address', address)),
    update: (id, patch) => x.write((c) => updateRow(c, ACCOUNTS, id, patch, ['id', 'address', 'domainId', 'createdAt'])),
    delete: (id) => x.write((c) => deleteOwned(c, 'accounts', 'account', id)),
    list: (opts) => x.read((c) => mapPage(listRows(c, ACCOUNT_LIST, opts, accountConditions(opts)), (row) => decodeRow(ACCOUNTS, row))),
    countByRole: (role: Role, enabledOnly: boolean) => x.read((c) => Number(
      (enabledOnly
        ? c.get('SELECT count(*) AS n FROM accounts WHERE role = ? AND enabled = 1', role)
        : c.get('SELECT count(*) AS n FROM accounts WHERE role = ?', role))?.n ?? 0,
    )),
    countInDomain: (domainId) => x.read((c) => countWhere(c, 'accounts', 'domain_id', domainId)),
    // One transaction and one cached statement pair for the whole batch.
    createMany: (accounts) => x.write((c) => {
      if (accounts.length < BULK) {
        for (const account of accounts) insertAccount(c, account);
        return;
      }
      // Row-by-row trigram indexing grows superlinearly inside one huge
      // transaction; one rebuild at the end is linear. The triggers come back
      // from their stored SQL, and DDL is transactional, so a failure leaves
      // the schema as it was.
      const triggers = c.all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts'");
      for (const t of triggers) c.exec(`DROP TRIGGER "${String(t.name)}"`);
      for (const account of accounts) insertAccount(c, account);
      for (const t of triggers) c.exec(String(t.sql));
      c.exec("INSERT INTO accounts_search (accounts_search) VALUES ('rebuild')");
      // The table's shape changed at once: fresh statistics keep the planner on
      // the sort indexes (analysis_limit keeps this quick).
      c.exec('ANALYZE accounts');
    }),
  };
}
