// Typed client of the mail-rules feature. Rules and out-of-office are kept
// by the server as generated Sieve scripts (docs/sieve.md); the answers name
// the script they became.
import { Injectable, inject } from '@angular/core';
import type { Static } from 'typebox';
import type { Account } from '@shared/schemas/directory.ts';
import type { DomainSieve, MailRule, MailRulesView, OutOfOffice, OutOfOfficeView } from '@shared/schemas/sieve.ts';
import { ApiHttp } from '../core/api-http';
import { SIEVE_ENDPOINTS as E } from './sieve.endpoints';

export type OutOfOfficeState = Static<typeof OutOfOfficeView>;
export type RulesState = Static<typeof MailRulesView>;

/** Whose out-of-office a page edits: an account of your domains, or your own. */
export type OutOfOfficeTarget = { account: string } | 'mine';

@Injectable({ providedIn: 'root' })
export class SieveApi {
  readonly #http = inject(ApiHttp);

  account(id: string): Promise<Account> {
    return this.#http.call(E.account, { path: { id } });
  }

  outOfOffice(target: OutOfOfficeTarget): Promise<OutOfOfficeState> {
    return target === 'mine' ? this.#http.call(E.myOutOfOffice) : this.#http.call(E.accountOutOfOffice, { path: { id: target.account } });
  }

  setOutOfOffice(target: OutOfOfficeTarget, value: OutOfOffice): Promise<OutOfOfficeState> {
    return target === 'mine'
      ? this.#http.call(E.setMyOutOfOffice, { body: value })
      : this.#http.call(E.setAccountOutOfOffice, { path: { id: target.account }, body: value });
  }

  domainSieve(domain: string): Promise<DomainSieve> {
    return this.#http.call(E.domainSieve, { path: { id: domain } });
  }

  setDomainSieve(domain: string, value: DomainSieve): Promise<DomainSieve> {
    return this.#http.call(E.setDomainSieve, { path: { id: domain }, body: value });
  }

  myRules(): Promise<RulesState> {
    return this.#http.call(E.myRules);
  }

  setMyRules(rules: MailRule[]): Promise<RulesState> {
    return this.#http.call(E.setMyRules, { body: { rules } });
  }
}
