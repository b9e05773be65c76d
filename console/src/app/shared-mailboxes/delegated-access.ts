// What one user may do with other mailboxes (Exchange's "which mailboxes can
// this user open?"): open, send as, send on behalf, each with the grantee that
// gives it (the user directly, or a group the user is in).
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { DelegatedAccess, DelegatedAccessEntry } from '@shared/schemas/shared-mailboxes.ts';
import { type ApiProblem, problemFrom } from '../core/problem';
import { MailboxGrantsApi } from './shared-mailboxes-api';

@Component({
  selector: 'stoa-delegated-access',
  imports: [RouterLink, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `ul { margin: 4px 0 12px; padding-left: 20px; } h3 { font-size: 14px; margin: 8px 0 0; }`,
  template: `
    @if (error(); as e) {
      <p class="error-text" role="alert">Could not load what this user was given: {{ e.summary }} <button mat-button type="button" (click)="reload()">Try again</button></p>
    }
    @if (access(); as a) {
      @for (section of sections; track section.key) {
        <h3>{{ section.title }}</h3>
        <ul [attr.aria-label]="section.title" [attr.data-testid]="'access-' + section.key">
          @for (e of a[section.key]; track e.mailbox.id) {
            <li><a [routerLink]="link(e)">{{ e.mailbox.address }}</a><span class="muted"> {{ via(e) }}</span></li>
          } @empty { <li class="muted">None</li> }
        </ul>
      }
    } @else if (!error()) { <p class="muted" role="status">Loading…</p> }
  `,
})
export class DelegatedAccessView {
  readonly accountId = input.required<string>();
  readonly #api = inject(MailboxGrantsApi);
  protected readonly access = signal<DelegatedAccess | null>(null);
  protected readonly error = signal<ApiProblem | null>(null);
  protected readonly sections = [
    { key: 'open', title: 'Can open (full access)' },
    { key: 'sendAs', title: 'Can send as' },
    { key: 'sendOnBehalf', title: 'Can send on behalf of' },
  ] as const;

  constructor() {
    effect(() => {
      this.accountId();
      untracked(() => void this.reload());
    });
  }

  async reload(): Promise<void> {
    this.error.set(null);
    try {
      this.access.set(await this.#api.delegatedAccess(this.accountId()));
    } catch (err) {
      this.error.set(problemFrom(err));
    }
  }

  protected link(e: DelegatedAccessEntry): string[] {
    return [e.mailbox.kind === 'shared-mailbox' ? '/shared-mailboxes' : '/accounts', e.mailbox.id];
  }

  protected via(e: DelegatedAccessEntry): string {
    const groups = e.via.filter((g) => g.kind === 'group').map((g) => g.address ?? g.id);
    const direct = e.via.some((g) => g.kind === 'account' && g.id === this.accountId());
    const parts = [...(direct ? ['directly'] : []), ...groups.map((g) => `through ${g}`)];
    return parts.length ? `(${parts.join(', ')})` : '';
  }
}
