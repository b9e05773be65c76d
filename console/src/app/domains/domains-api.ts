// Typed client of the domain routes; types come from shared/ (the same
// schemas the server validates with).
import { Injectable } from '@angular/core';
import type { Domain, DomainCreate, DomainUpdate } from '@shared/schemas/directory.ts';
import type { DnsStatus, DomainUsageList } from '@shared/schemas/system.ts';
import { CrudApi } from '../core/crud-api';
import { DOMAINS_ENDPOINTS } from './domains.endpoints';

export interface DkimRecord { selector: string; algorithm: string; name: string; value: string; publicKey: string; active: boolean; createdAt: string }
export interface DkimInfo { domain: string; records: DkimRecord[] }

@Injectable({ providedIn: 'root' })
export class DomainsApi extends CrudApi<Domain, DomainCreate, DomainUpdate> {
  protected readonly endpoints = DOMAINS_ENDPOINTS;

  dns(id: string): Promise<DnsStatus> {
    return this.http.call(DOMAINS_ENDPOINTS.dns, { path: { id } });
  }

  dkim(id: string): Promise<DkimInfo> {
    return this.http.call(DOMAINS_ENDPOINTS.dkim, { path: { id } });
  }

  rotateDkim(id: string): Promise<DkimInfo> {
    return this.http.call(DOMAINS_ENDPOINTS.rotateDkim, { path: { id } });
  }

  storage(): Promise<DomainUsageList> {
    return this.http.call(DOMAINS_ENDPOINTS.storage);
  }

  /** Every domain the caller may see, for pickers (a server has far fewer domains than accounts). */
  async all(): Promise<Domain[]> {
    return (await this.list({ limit: 500, sort: 'name', order: 'asc' })).items;
  }
}
