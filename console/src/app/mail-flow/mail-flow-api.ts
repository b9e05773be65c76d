import { Injectable, inject } from '@angular/core';
import type { Static } from 'typebox';
import type { QueueDetail, QueueSummary } from '@shared/schemas/queue.ts';
import type { SystemSettings } from '@shared/schemas/system.ts';
import { ApiHttp, type Query } from '../core/api-http';
import type { DkimInfo } from '../domains/domains-api';
import type { PageResult } from '../ui/paged-list';
import { MAIL_FLOW_ENDPOINTS as E } from './mail-flow.endpoints';

export type QueueRow = Static<typeof QueueSummary> & { id: string };

@Injectable({ providedIn: 'root' })
export class MailFlowApi {
  readonly #http = inject(ApiHttp);

  queue(query: Query): Promise<PageResult<QueueRow>> {
    return this.#http.call(E.queue, { query });
  }

  queued(id: string): Promise<QueueDetail> {
    return this.#http.call(E.queued, { path: { id } });
  }

  async retry(id: string): Promise<number> {
    return (await this.#http.call<{ rescheduled: number }>(E.retry, { path: { id } })).rescheduled;
  }

  remove(id: string): Promise<void> {
    return this.#http.call(E.remove, { path: { id } });
  }

  dkim(domain: string): Promise<DkimInfo> {
    return this.#http.call(E.dkim, { path: { id: domain } });
  }

  rotateDkim(domain: string): Promise<DkimInfo> {
    return this.#http.call(E.rotateDkim, { path: { id: domain } });
  }

  settings(): Promise<SystemSettings> {
    return this.#http.call(E.settings);
  }
}
