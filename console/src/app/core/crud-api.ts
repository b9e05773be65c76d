// The five calls every directory object shares (list, get, create, update,
// delete), over a feature's endpoint table. A feature's API client extends
// it and adds its own calls (see accounts/accounts-api.ts).
import { inject } from '@angular/core';
import type { PageResult } from '../ui/paged-list';
import { ApiHttp, type Endpoint, type Query } from './api-http';

export interface CrudEndpoints {
  list: Endpoint;
  get: Endpoint;
  create: Endpoint;
  update: Endpoint;
  remove: Endpoint;
}

export abstract class CrudApi<T, C, U> {
  protected readonly http = inject(ApiHttp);
  protected abstract readonly endpoints: CrudEndpoints;

  list(query: Query): Promise<PageResult<T>> {
    return this.http.call(this.endpoints.list, { query });
  }

  get(id: string): Promise<T> {
    return this.http.call(this.endpoints.get, { path: { id } });
  }

  create(input: C): Promise<T> {
    return this.http.call(this.endpoints.create, { body: input });
  }

  update(id: string, patch: U): Promise<T> {
    return this.http.call(this.endpoints.update, { path: { id }, body: patch });
  }

  remove(id: string): Promise<void> {
    return this.http.call(this.endpoints.remove, { path: { id } });
  }
}
