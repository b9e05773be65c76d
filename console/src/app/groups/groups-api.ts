import { Injectable } from '@angular/core';
import type { Account, Group, GroupCreate, GroupUpdate } from '@shared/schemas/directory.ts';
import { CrudApi } from '../core/crud-api';
import { GROUPS_ENDPOINTS as E } from './groups.endpoints';

@Injectable({ providedIn: 'root' })
export class GroupsApi extends CrudApi<Group, GroupCreate, GroupUpdate> {
  protected readonly endpoints = E;

  /** An account by id or address, to show and add members. */
  account(idOrAddress: string): Promise<Account> {
    return this.http.call(E.account, { path: { id: idOrAddress } });
  }
}
