// The filter's typed client: quarantine (all held mail of your domains, or
// your own), verdicts with their explanation, and the rules and thresholds.
import { Injectable, inject } from '@angular/core';
import type { Static } from 'typebox';
import type { QuarantineEntry, RuleList, TrainRequest, TrainResult, Verdict } from '@shared/schemas/filter.ts';
import { API_BASE, ApiHttp, type Query, fillPath } from '../core/api-http';
import type { PageResult } from '../ui/paged-list';
import { FILTER_ENDPOINTS as E } from './filter.endpoints';

export type HeldMessage = Static<typeof QuarantineEntry>;
export type VerdictView = Static<typeof Verdict>;
export type FilterRules = Static<typeof RuleList>;
export type TrainOutcome = Static<typeof TrainResult>;

/** Raw bytes the train route takes: its body carries at most 2 MiB of base64. */
export const MAX_TRAIN_BYTES = Math.floor((2 * 1024 * 1024 * 3) / 4);

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Which quarantine a page works on: the domains you administer, or your own mail. */
export type QuarantineScope = 'domains' | 'mine';

@Injectable({ providedIn: 'root' })
export class FilterApi {
  readonly #http = inject(ApiHttp);

  /** One page; the quarantine lists take only offset, limit and status (newest first, no search). */
  quarantine(scope: QuarantineScope, query: Query): Promise<PageResult<HeldMessage>> {
    const { offset, limit, status } = query;
    return this.#http.call(scope === 'mine' ? E.myQuarantine : E.quarantine, { query: { offset, limit, status } });
  }

  held(id: string): Promise<HeldMessage> {
    return this.#http.call(E.held, { path: { id } });
  }

  release(scope: QuarantineScope, id: string): Promise<HeldMessage> {
    return this.#http.call(scope === 'mine' ? E.myRelease : E.release, { path: { id } });
  }

  remove(scope: QuarantineScope, id: string): Promise<void> {
    return this.#http.call(scope === 'mine' ? E.myRemove : E.remove, { path: { id } });
  }

  /** Where the browser opens the held message (same origin, the session cookie authenticates it). */
  messageUrl(id: string): string {
    return API_BASE + fillPath(E.heldMessage.slice('GET '.length), { id });
  }

  verdicts(query: Query): Promise<PageResult<VerdictView>> {
    const { offset, limit, messageId, sender, action } = query;
    return this.#http.call(E.verdicts, { query: { offset, limit, messageId, sender, action } });
  }

  verdict(id: string): Promise<VerdictView> {
    return this.#http.call(E.verdict, { path: { id } });
  }

  rules(): Promise<FilterRules> {
    return this.#http.call(E.rules);
  }

  /** Teaches a domain's classifier with a held message, as spam or not (ham): the message is fetched as held, then sent to /filter/train. */
  async trainHeld(id: string, cls: TrainRequest['class'], domainId: string): Promise<TrainOutcome> {
    const raw = new Uint8Array(await this.#http.bytes(E.heldMessage, { path: { id } }));
    const body: TrainRequest = { message: base64(raw), class: cls, scope: { domainId } };
    return this.#http.call(E.train, { body });
  }
}
