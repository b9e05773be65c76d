// Who holds which grant on one mailbox (a shared mailbox, or a user's own
// mailbox delegated by an admin): full access, send as, send on behalf; give
// one to an account or group by address, take one away. Used on the shared
// mailbox page and on the account page.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MailboxGrantCreate, type GrantRight, type MailboxGrant } from '@shared/schemas/shared-mailboxes.ts';
import { type ApiProblem, problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
import { formatTime } from '../ui/format';
import { Notifier } from '../ui/notifier';
import { type MailboxKind, MailboxGrantsApi } from './shared-mailboxes-api';

/** The three rights in the words an Exchange admin knows (docs/shared-mailboxes.md). */
export const GRANT_RIGHTS: ReadonlyArray<{ right: GrantRight; label: string; hint: string }> = [
  { right: 'full-access', label: 'Full access', hint: 'open every folder (IMAP, Outlook automapping)' },
  { right: 'send-as', label: 'Send as', hint: 'From: the mailbox' },
  { right: 'send-on-behalf', label: 'Send on behalf', hint: 'From: the mailbox, Sender: themselves' },
];
export const rightLabel = (r: GrantRight): string => GRANT_RIGHTS.find((g) => g.right === r)?.label ?? r;

@Component({
  selector: 'stoa-mailbox-grants',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `.row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; } .grantee { flex: 1 1 260px; }`,
  template: `
    @if (loading()) { <p class="muted" role="status">Loading grants…</p> }
    @if (loadError(); as e) {
      <p class="error-text" role="alert">Could not load the grants: {{ e.summary }} <button mat-button type="button" (click)="reload()">Try again</button></p>
    }
    <div class="table-scroll">
      <table class="plain" [attr.aria-label]="'Grants on ' + address()">
        <thead><tr><th>Who</th><th>Right</th><th>Since</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          @for (g of grants(); track g.id) {
            <tr [attr.data-grantee]="g.grantee.address" [attr.data-right]="g.right">
              <td>{{ g.grantee.address ?? '(deleted ' + g.grantee.kind + ')' }}@if (g.grantee.kind === 'group') { <span class="muted"> · group</span> }</td>
              <td>{{ rightLabel(g.right) }}</td>
              <td>{{ formatTime(g.createdAt) }}</td>
              <td><button mat-button type="button" (click)="revoke(g)" [attr.aria-label]="'Take ' + rightLabel(g.right) + ' away from ' + (g.grantee.address ?? g.grantee.id)">Take away</button></td>
            </tr>
          } @empty {
            @if (!loading() && !loadError()) { <tr><td colspan="4" class="muted">Nobody holds a grant on this mailbox.</td></tr> }
          }
        </tbody>
      </table>
    </div>
    <form [formGroup]="form" (ngSubmit)="grant()" novalidate class="row" aria-label="New grant">
      <mat-form-field class="grantee"><mat-label>Account or group</mat-label>
        <input matInput formControlName="grantee" placeholder="bob@example.com or team@example.com" data-testid="grant-grantee">
        <mat-error>{{ errorText(form.controls.grantee) }}</mat-error></mat-form-field>
      <mat-form-field><mat-label>Right</mat-label>
        <mat-select formControlName="right" data-testid="grant-right">
          @for (r of rights; track r.right) { <mat-option [value]="r.right">{{ r.label }} ({{ r.hint }})</mat-option> }
        </mat-select></mat-form-field>
      <button mat-stroked-button type="submit" [disabled]="busy()">Grant</button>
    </form>
    @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
  `,
})
export class MailboxGrants {
  readonly kind = input.required<MailboxKind>();
  readonly mailboxId = input.required<string>();
  /** For labels and messages. */
  readonly address = input('');
  readonly #api = inject(MailboxGrantsApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly errorText = errorText;
  protected readonly formatTime = formatTime;
  protected readonly rightLabel = rightLabel;
  protected readonly rights = GRANT_RIGHTS;
  protected readonly grants = signal<MailboxGrant[]>([]);
  protected readonly loading = signal(false);
  protected readonly loadError = signal<ApiProblem | null>(null);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    grantee: ['', schemaValidators(MailboxGrantCreate, 'grantee')],
    right: ['full-access' as GrantRight],
  });

  constructor() {
    effect(() => {
      this.kind();
      this.mailboxId();
      untracked(() => void this.reload());
    });
  }

  async reload(): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      this.grants.set(await this.#api.list(this.kind(), this.mailboxId()));
    } catch (err) {
      this.loadError.set(problemFrom(err));
    } finally {
      this.loading.set(false);
    }
  }

  async grant(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const { grantee, right } = this.form.getRawValue();
    this.busy.set(true);
    this.formError.set(null);
    try {
      const created = await this.#api.grant(this.kind(), this.mailboxId(), { grantee: grantee.trim(), right });
      this.grants.update((list) => [...list, created]);
      this.form.reset({ grantee: '', right });
      this.#notify.done(`${rightLabel(right)} granted to ${created.grantee.address ?? grantee}`);
    } catch (err) {
      const p = problemFrom(err);
      // Each of these is about the grantee; the detail says why ("no account or group …", "a server operator without a mailbox").
      if (p.code === 'STOA_CONFLICT') {
        this.form.controls.grantee.setErrors({ server: `Already holds ${rightLabel(right).toLowerCase()} on this mailbox` });
      } else if (p.code === 'STOA_INVALID_REFERENCE' || p.code === 'STOA_GRANT_INVALID') {
        this.form.controls.grantee.setErrors({ server: p.detail ?? p.title });
      } else {
        const rest = applyProblem(this.form, p);
        this.formError.set(rest.length ? rest.join(' — ') : null);
      }
    } finally {
      this.busy.set(false);
    }
  }

  async revoke(g: MailboxGrant): Promise<void> {
    const who = g.grantee.address ?? 'the deleted grantee';
    const message = g.right === 'full-access'
      ? `${who} can no longer open ${this.address() || 'this mailbox'}; open IMAP sessions lose it before their next command.`
      : `${who} can no longer send ${g.right === 'send-as' ? 'as' : 'on behalf of'} ${this.address() || 'this mailbox'}.`;
    if (!await confirmAction(this.#dialog, { title: `Take ${rightLabel(g.right).toLowerCase()} away?`, message, action: 'Take away' })) return;
    try {
      await this.#api.revoke(this.kind(), this.mailboxId(), g.id);
      this.grants.update((list) => list.filter((x) => x.id !== g.id));
      this.#notify.done('Grant taken away');
    } catch (err) {
      this.#notify.failed('Taking the grant away', err);
    }
  }
}
