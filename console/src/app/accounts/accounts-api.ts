import { Injectable } from '@angular/core';
import type { AccountBulkResult, AccountImportReport, AccountUsageList } from '@shared/schemas/bulk.ts';
import type { Account, AccountCreate, AccountUpdate, AppPassword, RoleGrant } from '@shared/schemas/directory.ts';
import { CrudApi } from '../core/crud-api';
import { ACCOUNTS_ENDPOINTS as E } from './accounts.endpoints';

@Injectable({ providedIn: 'root' })
export class AccountsApi extends CrudApi<Account, AccountCreate, AccountUpdate> {
  protected readonly endpoints = E;

  setPassword(id: string, password: string): Promise<void> {
    return this.http.call(E.setPassword, { path: { id }, body: { password } });
  }

  grantRole(id: string, grant: RoleGrant): Promise<Account> {
    return this.http.call(E.grantRole, { path: { id }, body: grant });
  }

  async appPasswords(id: string): Promise<AppPassword[]> {
    return (await this.http.call<{ items: AppPassword[] }>(E.appPasswords, { path: { id } })).items;
  }

  createAppPassword(id: string, name: string): Promise<{ appPassword: AppPassword; secret: string }> {
    return this.http.call(E.createAppPassword, { path: { id }, body: { name } });
  }

  revokeAppPassword(id: string, appId: string): Promise<void> {
    return this.http.call(E.revokeAppPassword, { path: { id, appId } });
  }

  bulk(action: 'disable' | 'enable', ids: string[]): Promise<AccountBulkResult> {
    return this.http.call(E.bulk, { body: { action, ids } });
  }

  importCsv(csv: string, dryRun: boolean): Promise<AccountImportReport> {
    return this.http.call(E.import, { body: { csv, dryRun } });
  }

  async usage(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const res = await this.http.call<AccountUsageList>(E.usage, { query: { ids: ids.join(',') } });
    return new Map(res.items.map((u) => [u.accountId, u.bytes]));
  }
}
