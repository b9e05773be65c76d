// Create or edit one shared mailbox (name, state, quota, forwarding, a copy of
// what is sent as it in its Sent folder); for an existing one, who holds which
// grant on it, conversion back to a user account, and deletion.
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { EmailAddress } from '@shared/schemas/common.ts';
import { SharedMailboxCreate, SharedMailboxToAccount, type SharedMailbox, type SharedMailboxUpdate } from '@shared/schemas/shared-mailboxes.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { addressListValidator, applyProblem, errorText, schemaValidators, splitList } from '../ui/form-errors';
import { formatBytes, formatTime, parseBytes } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { QuotaBar } from '../ui/quota-bar';
import { MailboxGrants } from './mailbox-grants';
import { SharedMailboxesApi } from './shared-mailboxes-api';

const EMAIL_PATTERN = (EmailAddress as unknown as { pattern: string }).pattern;

@Component({
  selector: 'stoa-shared-mailbox-editor',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatCheckboxModule, LoadState, QuotaBar, MailboxGrants],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shared-mailbox-editor.html',
  styles: `mat-card { margin-bottom: 16px; } .row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }`,
})
export class SharedMailboxEditor implements OnInit {
  /** Route parameter: a shared mailbox's id, or absent on /shared-mailboxes/new. */
  readonly id = input<string>();
  readonly #api = inject(SharedMailboxesApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly formatTime = formatTime;
  protected readonly isNew = computed(() => !this.id());
  protected readonly mailbox = new Loaded<SharedMailbox>(() => this.#api.get(this.id()!));
  protected readonly usage = signal<number | null>(null);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);

  protected readonly form = this.#fb.group({
    address: ['', schemaValidators(SharedMailboxCreate, 'address', { required: true })],
    displayName: ['', schemaValidators(SharedMailboxCreate, 'displayName')],
    quota: ['0', [Validators.required]],
    quotaMessages: [0, schemaValidators(SharedMailboxCreate, 'quotaMessages')],
    forwardTo: ['', [addressListValidator(EMAIL_PATTERN, 50)]],
    keepForwardedCopy: [true],
    copySent: [true],
    enabled: [true],
  });
  protected readonly convertForm = this.#fb.group({ password: ['', schemaValidators(SharedMailboxToAccount, 'password')] });

  async ngOnInit(): Promise<void> {
    if (this.isNew()) return;
    const m = await this.mailbox.reload();
    if (!m) return;
    this.form.controls.address.disable();
    this.form.reset({
      address: m.address, displayName: m.displayName, quota: m.quotaBytes ? formatBytes(m.quotaBytes) : '0', quotaMessages: m.quotaMessages,
      forwardTo: m.forwardTo.join('\n'), keepForwardedCopy: m.keepForwardedCopy, copySent: m.copySent, enabled: m.enabled,
    });
    this.#api.usage([m.id]).then((u) => this.usage.set(u.get(m.id) ?? 0), () => this.usage.set(null));
  }

  async saveMailbox(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const v = this.form.getRawValue();
    const quotaBytes = parseBytes(v.quota);
    if (quotaBytes === null) {
      this.form.controls.quota.setErrors({ server: 'Write a size such as 10 GiB, or 0 for unlimited' });
      return;
    }
    const common: SharedMailboxUpdate = {
      displayName: v.displayName.trim(), quotaBytes, quotaMessages: Number(v.quotaMessages) || 0, forwardTo: splitList(v.forwardTo),
      keepForwardedCopy: v.keepForwardedCopy, copySent: v.copySent, enabled: v.enabled,
    };
    this.busy.set(true);
    this.formError.set(null);
    try {
      if (this.isNew()) {
        const created = await this.#api.create({ address: v.address.trim(), ...common });
        this.#notify.done(`Shared mailbox ${created.address} created`);
        await this.#router.navigate(['/shared-mailboxes', created.id]);
      } else {
        this.mailbox.value.set(await this.#api.update(this.mailbox.value()!.id, common));
        this.#notify.done('Shared mailbox saved');
      }
    } catch (err) {
      const rest = applyProblem(this.form, problemFrom(err), { quotaBytes: 'quota' });
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }

  async convertToAccount(): Promise<void> {
    const m = this.mailbox.value();
    this.convertForm.markAllAsTouched();
    if (!m || this.convertForm.invalid) return;
    const { password } = this.convertForm.getRawValue();
    const message = password
      ? `${m.address} becomes a user account that logs in with the password given; its mail stays. Grants on it stay.`
      : `${m.address} becomes a user account without a password: nobody can log in as it until one is set. Its mail and the grants on it stay.`;
    if (!await confirmAction(this.#dialog, { title: `Convert ${m.address} to a user account?`, message, action: 'Convert' })) return;
    try {
      const account = await this.#api.toAccount(m.id, password || undefined);
      this.#notify.done(`${account.address} is a user account again`);
      await this.#router.navigate(['/accounts', account.id]);
    } catch (err) {
      const p = problemFrom(err);
      if (applyProblem(this.convertForm, p).length) this.#notify.failed('Converting the shared mailbox', p);
    }
  }

  async deleteMailbox(): Promise<void> {
    const m = this.mailbox.value();
    if (!m || !await confirmAction(this.#dialog, {
      title: `Delete ${m.address}?`, message: 'Its folders, its mail and every grant on it are removed. This cannot be undone.', action: 'Delete shared mailbox',
    })) return;
    try {
      await this.#api.remove(m.id);
      this.#notify.done(`Shared mailbox ${m.address} deleted`);
      await this.#router.navigate(['/shared-mailboxes']);
    } catch (err) {
      this.#notify.failed('Deleting the shared mailbox', err);
    }
  }
}
