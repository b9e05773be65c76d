// Create or edit one account: name, state, quota, forwarding; and for an
// existing account, password reset, app passwords, delegation (grants on its
// mailbox, what it was given), conversion to a shared mailbox and deletion. Checks run
// in the browser from the shared schema and again on the server, whose field
// messages are shown under the fields they concern.
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
import { AccountCreate, AccountUpdate, PasswordSet, type Account, type AppPassword } from '@shared/schemas/directory.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { addressListValidator, applyProblem, errorText, schemaValidators, splitList } from '../ui/form-errors';
import { formatBytes, formatTime, parseBytes } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { QuotaBar } from '../ui/quota-bar';
import { DelegatedAccessView } from '../shared-mailboxes/delegated-access';
import { MailboxGrants } from '../shared-mailboxes/mailbox-grants';
import { MailboxGrantsApi } from '../shared-mailboxes/shared-mailboxes-api';
import { SessionStore } from '../core/session';
import { DirectorySyncApi } from '../directory-sync/directory-sync-api';
import { AccountsApi } from './accounts-api';

const EMAIL_PATTERN = (EmailAddress as unknown as { pattern: string }).pattern;

@Component({
  selector: 'stoa-account-editor',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatCheckboxModule, LoadState, QuotaBar, MailboxGrants, DelegatedAccessView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './account-editor.html',
  styles: `mat-card { margin-bottom: 16px; } .directory-note { margin: 8px 0 16px; padding: 8px 12px; border-left: 4px solid var(--mat-sys-primary); background: var(--mat-sys-surface-container-low); } h2.sub { font-size: 15px; margin: 16px 0 0; } .secret { font-size: 1.1em; padding: 8px; background: var(--mat-sys-surface-container); } .row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }`,
})
export class AccountEditor implements OnInit {
  /** Route parameter: an account id, or absent on /accounts/new. */
  readonly id = input<string>();
  readonly #api = inject(AccountsApi);
  readonly #grants = inject(MailboxGrantsApi);
  readonly #directory = inject(DirectorySyncApi);
  protected readonly session = inject(SessionStore);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly formatTime = formatTime;
  protected readonly isNew = computed(() => !this.id());
  protected readonly account = new Loaded<Account>(() => this.#api.get(this.id()!));
  protected readonly usage = signal<number | null>(null);
  protected readonly appPasswords = signal<AppPassword[]>([]);
  protected readonly newSecret = signal<{ name: string; secret: string } | null>(null);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);

  protected readonly form = this.#fb.group({
    address: ['', schemaValidators(AccountCreate, 'address', { required: true })],
    displayName: ['', schemaValidators(AccountCreate, 'displayName')],
    password: ['', schemaValidators(AccountCreate, 'password')],
    quota: ['0', [Validators.required]],
    forwardTo: ['', [addressListValidator(EMAIL_PATTERN, 50)]],
    keepForwardedCopy: [true],
    enabled: [true],
  });
  protected readonly passwordForm = this.#fb.group({ password: ['', schemaValidators(PasswordSet, 'password')] });
  protected readonly appForm = this.#fb.group({ name: ['', [Validators.required, Validators.maxLength(100)]] });

  async ngOnInit(): Promise<void> {
    if (this.isNew()) return;
    const a = await this.account.reload();
    if (!a) return;
    this.form.controls.address.disable();
    this.form.controls.password.disable();
    // The directory owns these (docs/directory-sync.md): shown, not sent; the server answers 409 to a change.
    if (a.source) {
      this.form.controls.displayName.disable();
      this.form.controls.enabled.disable();
    }
    this.form.reset({
      address: a.address, displayName: a.displayName, quota: a.quotaBytes ? formatBytes(a.quotaBytes) : '0',
      forwardTo: a.forwardTo.join('\n'), keepForwardedCopy: a.keepForwardedCopy, enabled: a.enabled,
    });
    this.#api.usage([a.id]).then((u) => this.usage.set(u.get(a.id) ?? 0), () => this.usage.set(null));
    this.#api.appPasswords(a.id).then((list) => this.appPasswords.set(list), () => undefined);
  }

  async saveAccount(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const v = this.form.getRawValue();
    const quotaBytes = parseBytes(v.quota);
    if (quotaBytes === null) {
      this.form.controls.quota.setErrors({ server: 'Write a size such as 2 GiB, or 0 for unlimited' });
      return;
    }
    const common = { displayName: v.displayName.trim(), quotaBytes, forwardTo: splitList(v.forwardTo), keepForwardedCopy: v.keepForwardedCopy, enabled: v.enabled };
    this.busy.set(true);
    this.formError.set(null);
    try {
      if (this.isNew()) {
        const created = await this.#api.create({ address: v.address.trim(), ...common, ...(v.password ? { password: v.password } : {}) });
        this.#notify.done(`Account ${created.address} created`);
        await this.#router.navigate(['/accounts', created.id]);
      } else {
        const { displayName, enabled, ...local } = common;
        const patch: AccountUpdate = this.account.value()!.source ? local : { ...local, displayName, enabled };
        this.account.value.set(await this.#api.update(this.account.value()!.id, patch));
        this.#notify.done('Account saved');
      }
    } catch (err) {
      const p = problemFrom(err);
      const rest = applyProblem(this.form, p, { quotaBytes: 'quota' });
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }

  async resetPassword(): Promise<void> {
    const a = this.account.value();
    this.passwordForm.markAllAsTouched();
    if (!a || this.passwordForm.invalid) return;
    try {
      await this.#api.setPassword(a.id, this.passwordForm.getRawValue().password);
      this.passwordForm.reset();
      this.#notify.done('Password set; the account\'s sessions were ended');
    } catch (err) {
      const p = problemFrom(err);
      if (applyProblem(this.passwordForm, p).length) this.#notify.failed('Setting the password', p);
    }
  }

  async createAppPassword(): Promise<void> {
    const a = this.account.value();
    this.appForm.markAllAsTouched();
    if (!a || this.appForm.invalid) return;
    try {
      const created = await this.#api.createAppPassword(a.id, this.appForm.getRawValue().name.trim());
      this.newSecret.set({ name: created.appPassword.name, secret: created.secret });
      this.appForm.reset();
      this.appPasswords.set(await this.#api.appPasswords(a.id));
    } catch (err) {
      const p = problemFrom(err);
      if (applyProblem(this.appForm, p).length) this.#notify.failed('Creating the app password', p);
    }
  }

  async revokeAppPassword(app: AppPassword): Promise<void> {
    const a = this.account.value();
    if (!a || !await confirmAction(this.#dialog, { title: `Revoke "${app.name}"?`, message: 'Clients using it will stop working at once.', action: 'Revoke' })) return;
    try {
      await this.#api.revokeAppPassword(a.id, app.id);
      this.appPasswords.update((list) => list.filter((x) => x.id !== app.id));
      this.#notify.done('App password revoked');
    } catch (err) {
      this.#notify.failed('Revoking the app password', err);
    }
  }

  /** An account the directory no longer returns: keep it as a local account, or delete it with its directory aliases. */
  async resolveMissing(action: 'detach' | 'delete'): Promise<void> {
    const a = this.account.value();
    if (!a) return;
    const ask = action === 'detach'
      ? { title: `Keep ${a.address} as a local account?`, message: 'It is no longer linked to the directory: set a password next so that it can log in.', action: 'Keep as local account' }
      : { title: `Delete ${a.address}?`, message: 'The account, its mailboxes, its messages and its directory aliases are removed. This cannot be undone.', action: 'Delete account' };
    if (!await confirmAction(this.#dialog, ask)) return;
    try {
      await this.#directory.resolve(a.id, action);
      if (action === 'delete') {
        this.#notify.done(`Account ${a.address} deleted`);
        await this.#router.navigate(['/accounts']);
        return;
      }
      this.#notify.done(`${a.address} is a local account now`);
      this.form.controls.displayName.enable();
      this.form.controls.enabled.enable();
      await this.account.reload();
    } catch (err) {
      this.#notify.failed(action === 'detach' ? 'Detaching the account' : 'Deleting the account', err);
    }
  }

  async convertToShared(): Promise<void> {
    const a = this.account.value();
    if (!a || !await confirmAction(this.#dialog, {
      title: `Convert ${a.address} to a shared mailbox?`,
      message: 'Its mail, address and the grants on it stay; its password, app passwords, sessions and API tokens go at once, open IMAP and POP3 sessions end, and the grants it held are removed.',
      action: 'Convert',
    })) return;
    try {
      const shared = await this.#grants.toShared(a.id);
      this.#notify.done(`${shared.address} is now a shared mailbox`);
      await this.#router.navigate(['/shared-mailboxes', shared.id]);
    } catch (err) {
      this.#notify.failed('Converting the account', err);
    }
  }

  async deleteAccount(): Promise<void> {
    const a = this.account.value();
    if (!a || !await confirmAction(this.#dialog, { title: `Delete ${a.address}?`, message: 'The account, its mailboxes and its messages are removed. This cannot be undone.', action: 'Delete account' })) return;
    try {
      await this.#api.remove(a.id);
      this.#notify.done(`Account ${a.address} deleted`);
      await this.#router.navigate(['/accounts']);
    } catch (err) {
      this.#notify.failed('Deleting the account', err);
    }
  }
}
