import { Injectable, inject } from '@angular/core';
import type { PublicFolder, PublicFolderAddressSet, PublicFolderGrant } from '@shared/schemas/public-folders.ts';
import { ApiHttp } from '../core/api-http';
import { PUBLIC_FOLDERS_ENDPOINTS as E } from './public-folders.endpoints';

@Injectable({ providedIn: 'root' })
export class PublicFoldersApi {
  readonly #http = inject(ApiHttp);

  async list(domain: string): Promise<PublicFolder[]> {
    return (await this.#http.call<{ items: PublicFolder[] }>(E.list, { path: { id: domain } })).items;
  }

  create(domain: string, name: string): Promise<PublicFolder> {
    return this.#http.call(E.create, { path: { id: domain }, body: { name } });
  }

  rename(domain: string, folderId: string, name: string): Promise<PublicFolder> {
    return this.#http.call(E.rename, { path: { id: domain, folderId }, body: { name } });
  }

  remove(domain: string, folderId: string): Promise<void> {
    return this.#http.call(E.remove, { path: { id: domain, folderId } });
  }

  async acl(domain: string, folderId: string): Promise<PublicFolderGrant[]> {
    return (await this.#http.call<{ items: PublicFolderGrant[] }>(E.acl, { path: { id: domain, folderId } })).items;
  }

  async grant(domain: string, folderId: string, grantee: string, rights: string): Promise<PublicFolderGrant[]> {
    return (await this.#http.call<{ items: PublicFolderGrant[] }>(E.grant, { path: { id: domain, folderId, grantee }, body: { rights } })).items;
  }

  revoke(domain: string, folderId: string, grantee: string): Promise<void> {
    return this.#http.call(E.revoke, { path: { id: domain, folderId, grantee } });
  }

  /** Mail to the address is filed in the folder; signed-in senders need its "p" right, outside senders acceptExternal. */
  setAddress(domain: string, folderId: string, input: PublicFolderAddressSet): Promise<PublicFolder> {
    return this.#http.call(E.setAddress, { path: { id: domain, folderId }, body: input });
  }

  removeAddress(domain: string, folderId: string): Promise<void> {
    return this.#http.call(E.removeAddress, { path: { id: domain, folderId } });
  }
}
