// Typed clients of the shared-mailboxes feature: the shared mailboxes
// themselves (the five directory calls plus conversion and usage), and the
// delegation grants that open a mailbox (shared or a user's) to others.
import { Injectable, inject } from '@angular/core';
import type { AccountUsageList } from '@shared/schemas/bulk.ts';
import type { Account } from '@shared/schemas/directory.ts';
import type {
  DelegatedAccess, DelegatedMailbox, MailboxGrant, MailboxGrantCreate, SharedMailbox, SharedMailboxCreate, SharedMailboxUpdate,
} from '@shared/schemas/shared-mailboxes.ts';
import { ApiHttp } from '../core/api-http';
import { CrudApi } from '../core/crud-api';
import { MAILBOX_GRANTS_ENDPOINTS as G, SHARED_MAILBOXES_ENDPOINTS as E } from './shared-mailboxes.endpoints';

export type MailboxKind = DelegatedMailbox['kind'];

@Injectable({ providedIn: 'root' })
export class SharedMailboxesApi extends CrudApi<SharedMailbox, SharedMailboxCreate, SharedMailboxUpdate> {
  protected readonly endpoints = E;

  /** Back to an account that logs in (same id, address and mail); without a password it cannot log in until one is set. */
  toAccount(id: string, password?: string): Promise<Account> {
    return this.http.call(E.toAccount, { path: { id }, body: password ? { password } : {} });
  }

  /** Storage of the shared mailboxes shown (one page, at most 500 ids). */
  async usage(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const res = await this.http.call<AccountUsageList>(E.usage, { query: { ids: ids.join(',') } });
    return new Map(res.items.map((u) => [u.accountId, u.bytes]));
  }
}

@Injectable({ providedIn: 'root' })
export class MailboxGrantsApi {
  readonly #http = inject(ApiHttp);

  async list(kind: MailboxKind, id: string): Promise<MailboxGrant[]> {
    return (await this.#http.call<{ items: MailboxGrant[] }>(kind === 'shared-mailbox' ? G.sharedGrants : G.accountGrants, { path: { id } })).items;
  }

  grant(kind: MailboxKind, id: string, input: MailboxGrantCreate): Promise<MailboxGrant> {
    return this.#http.call(kind === 'shared-mailbox' ? G.sharedGrant : G.accountGrant, { path: { id }, body: input });
  }

  revoke(kind: MailboxKind, id: string, grantId: string): Promise<void> {
    return this.#http.call(kind === 'shared-mailbox' ? G.sharedRevoke : G.accountRevoke, { path: { id, grantId } });
  }

  /** What one user can open, send as and send on behalf of, with the grantees (the user or its groups) that give it. */
  delegatedAccess(accountId: string): Promise<DelegatedAccess> {
    return this.#http.call(G.delegatedAccess, { path: { id: accountId } });
  }

  /** The account becomes a shared mailbox: its mail stays; password, app passwords, sessions and tokens go. */
  toShared(accountId: string): Promise<SharedMailbox> {
    return this.#http.call(G.toShared, { path: { id: accountId } });
  }
}
