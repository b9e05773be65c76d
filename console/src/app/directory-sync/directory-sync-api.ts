// Typed client of the directory-sync feature (types from shared/src/schemas/directory-sync.ts).
import { Injectable, inject } from '@angular/core';
import type {
  DirectoryConnection, DirectoryConnectionCreate, DirectoryConnectionUpdate, DirectoryTestResult, MissingDecision, SyncRequest, SyncRun,
} from '@shared/schemas/directory-sync.ts';
import { ApiHttp } from '../core/api-http';
import type { PageResult } from '../ui/paged-list';
import { DIRECTORY_SYNC_ENDPOINTS as E } from './directory-sync.endpoints';

@Injectable({ providedIn: 'root' })
export class DirectorySyncApi {
  readonly #http = inject(ApiHttp);

  async list(): Promise<DirectoryConnection[]> {
    return (await this.#http.call<{ items: DirectoryConnection[] }>(E.list)).items;
  }

  get(id: string): Promise<DirectoryConnection> {
    return this.#http.call(E.get, { path: { id } });
  }

  create(input: DirectoryConnectionCreate): Promise<DirectoryConnection> {
    return this.#http.call(E.create, { body: input });
  }

  update(id: string, patch: DirectoryConnectionUpdate): Promise<DirectoryConnection> {
    return this.#http.call(E.update, { path: { id }, body: patch });
  }

  remove(id: string): Promise<void> {
    return this.#http.call(E.remove, { path: { id } });
  }

  test(id: string): Promise<DirectoryTestResult> {
    return this.#http.call(E.test, { path: { id } });
  }

  sync(id: string, request: SyncRequest): Promise<SyncRun> {
    return this.#http.call(E.sync, { path: { id }, body: request });
  }

  runs(id: string, offset: number, limit: number): Promise<PageResult<SyncRun>> {
    return this.#http.call(E.runs, { path: { id }, query: { offset, limit } });
  }

  /** An admin's decision about a directory account (typically one marked missing): keep it as a local account, or delete it. */
  resolve(accountId: string, action: MissingDecision['action']): Promise<void> {
    return this.#http.call(E.resolve, { path: { id: accountId }, body: { action } });
  }
}
