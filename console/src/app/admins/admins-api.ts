import { Injectable, inject } from '@angular/core';
import type { Account, Domain, RoleGrant } from '@shared/schemas/directory.ts';
import { ApiHttp, type Query } from '../core/api-http';
import type { PageResult } from '../ui/paged-list';
import { ADMINS_ENDPOINTS as E } from './admins.endpoints';

@Injectable({ providedIn: 'root' })
export class AdminsApi {
  readonly #http = inject(ApiHttp);

  list(query: Query): Promise<PageResult<Account>> {
    return this.#http.call(E.list, { query });
  }

  get(idOrAddress: string): Promise<Account> {
    return this.#http.call(E.get, { path: { id: idOrAddress } });
  }

  grant(idOrAddress: string, grant: RoleGrant): Promise<Account> {
    return this.#http.call(E.grantRole, { path: { id: idOrAddress }, body: grant });
  }

  async domains(): Promise<Domain[]> {
    return (await this.#http.call<PageResult<Domain>>(E.domains, { query: { limit: 500, sort: 'name' } })).items;
  }
}
