// Typed client of the dav feature (types from shared/src/schemas/dav.ts), for
// an owner that is an account or a shared mailbox.
import { Injectable, inject } from '@angular/core';
import type { Static } from 'typebox';
import type { DavCollectionCreate, DavCollectionList, DavCollectionUpdate, DavCollectionView, DavGrant as DavGrantSchema, DavGrantSet } from '@shared/schemas/dav.ts';
import { ApiHttp } from '../core/api-http';
import { ACCOUNT_DAV_ENDPOINTS, SHARED_MAILBOX_DAV_ENDPOINTS } from './dav.endpoints';

export type DavOwnerKind = 'account' | 'shared-mailbox';
export type Collections = Static<typeof DavCollectionList>;
export type DavGrant = Static<typeof DavGrantSchema>;
export type DavAccess = DavGrantSet['access'];

@Injectable({ providedIn: 'root' })
export class DavApi {
  readonly #http = inject(ApiHttp);
  readonly #e = (kind: DavOwnerKind) => (kind === 'account' ? ACCOUNT_DAV_ENDPOINTS : SHARED_MAILBOX_DAV_ENDPOINTS);

  /** The owner's id and address (the directory checks the scope: outside it, 404). */
  owner(kind: DavOwnerKind, id: string): Promise<{ id: string; address: string }> {
    return this.#http.call(this.#e(kind).owner, { path: { id } });
  }

  collections(kind: DavOwnerKind, id: string): Promise<Collections> {
    return this.#http.call(this.#e(kind).collections, { path: { id } });
  }

  create(kind: DavOwnerKind, id: string, input: DavCollectionCreate): Promise<DavCollectionView> {
    return this.#http.call(this.#e(kind).create, { path: { id }, body: input });
  }

  update(kind: DavOwnerKind, id: string, collectionId: string, patch: DavCollectionUpdate): Promise<DavCollectionView> {
    return this.#http.call(this.#e(kind).update, { path: { id, collectionId }, body: patch });
  }

  remove(kind: DavOwnerKind, id: string, collectionId: string): Promise<void> {
    return this.#http.call(this.#e(kind).remove, { path: { id, collectionId } });
  }

  async shares(kind: DavOwnerKind, id: string, collectionId: string): Promise<DavGrant[]> {
    return (await this.#http.call<{ items: DavGrant[] }>(this.#e(kind).shares, { path: { id, collectionId } })).items;
  }

  async share(kind: DavOwnerKind, id: string, collectionId: string, grantee: string, access: DavAccess): Promise<DavGrant[]> {
    return (await this.#http.call<{ items: DavGrant[] }>(this.#e(kind).share, { path: { id, collectionId, grantee }, body: { access } })).items;
  }

  unshare(kind: DavOwnerKind, id: string, collectionId: string, grantee: string): Promise<void> {
    return this.#http.call(this.#e(kind).unshare, { path: { id, collectionId, grantee } });
  }

  /** Calendar delegates, and the holders of Full Access on the mailbox (source "full-access": changed through the mailbox grants). */
  async delegations(kind: DavOwnerKind, id: string): Promise<DavGrant[]> {
    return (await this.#http.call<{ items: DavGrant[] }>(this.#e(kind).delegations, { path: { id } })).items;
  }

  async delegate(kind: DavOwnerKind, id: string, grantee: string, access: DavAccess): Promise<DavGrant[]> {
    return (await this.#http.call<{ items: DavGrant[] }>(this.#e(kind).delegate, { path: { id, grantee }, body: { access } })).items;
  }

  undelegate(kind: DavOwnerKind, id: string, grantee: string): Promise<void> {
    return this.#http.call(this.#e(kind).undelegate, { path: { id, grantee } });
  }
}
