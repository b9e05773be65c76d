// One domain: settings, the DNS records to publish with what DNS answers
// now, its DKIM keys, storage, and shortcuts to its accounts and folders.
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { DomainUpdate, type Domain } from '@shared/schemas/directory.ts';
import type { DnsStatus } from '@shared/schemas/system.ts';
import { problemFrom } from '../core/problem';
import { SessionStore } from '../core/session';
import { confirmAction } from '../ui/confirm-dialog';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
import { formatBytes, parseBytes } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { DomainsApi } from './domains-api';

const STATUS_TEXT = { ok: 'OK', missing: 'Missing', different: 'Different', unreachable: 'DNS unreachable' } as const;

@Component({
  selector: 'stoa-domain-detail',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatCheckboxModule, MatProgressBarModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './domain-detail.html',
  styles: `
    mat-card { margin-bottom: 16px; }
    table.dns { border-collapse: collapse; width: 100%; }
    table.dns th, table.dns td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); vertical-align: top; }
    .st-ok { color: #1b6e2a; font-weight: 600; } .st-missing, .st-different { color: #8a1c1c; font-weight: 600; } .st-unreachable { color: #6b3b00; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; }
  `,
})
export class DomainDetail implements OnInit {
  readonly id = input.required<string>();
  readonly #api = inject(DomainsApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly session = inject(SessionStore);
  protected readonly errorText = errorText;
  protected readonly statusText = STATUS_TEXT;
  protected readonly domain = new Loaded<Domain>(() => this.#api.get(this.id()));
  protected readonly dns = new Loaded<DnsStatus>(() => this.#api.dns(this.id()));
  protected readonly storage = signal<string>('…');
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    description: ['', schemaValidators(DomainUpdate, 'description')],
    enabled: [true],
    defaultQuota: [''],
    defaultQuotaMessages: [0, schemaValidators(DomainUpdate, 'defaultQuotaMessages')],
  });
  protected readonly problems = computed(() => (this.dns.value()?.checks ?? []).filter((c) => c.required && c.status !== 'ok').length);

  async ngOnInit(): Promise<void> {
    const d = await this.domain.reload();
    if (!d) return;
    this.form.reset({ description: d.description, enabled: d.enabled, defaultQuota: d.defaultQuotaBytes ? formatBytes(d.defaultQuotaBytes) : '0', defaultQuotaMessages: d.defaultQuotaMessages });
    void this.dns.reload();
    this.#api.storage().then((u) => {
      const row = u.items.find((i) => i.domainId === d.id);
      this.storage.set(row ? `${formatBytes(row.bytes)} in ${row.messages} messages (${row.accounts} accounts with mail)` : 'No mail stored yet');
    }, () => this.storage.set('unknown'));
  }

  async saveDomain(): Promise<void> {
    const d = this.domain.value();
    this.form.markAllAsTouched();
    if (!d || this.form.invalid || this.busy()) return;
    const v = this.form.getRawValue();
    const quota = parseBytes(v.defaultQuota);
    if (quota === null) {
      this.form.controls.defaultQuota.setErrors({ server: 'Write a size such as 5 GiB, or 0 for unlimited' });
      return;
    }
    this.busy.set(true);
    this.formError.set(null);
    try {
      this.domain.value.set(await this.#api.update(d.id, { description: v.description, enabled: v.enabled, defaultQuotaBytes: quota, defaultQuotaMessages: v.defaultQuotaMessages }));
      this.#notify.done('Domain saved');
    } catch (err) {
      const p = problemFrom(err);
      const rest = applyProblem(this.form, p, { defaultQuotaBytes: 'defaultQuota' });
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }

  async deleteDomain(): Promise<void> {
    const d = this.domain.value();
    if (!d) return;
    const ok = await confirmAction(this.#dialog, { title: `Delete ${d.unicodeName}?`, message: 'The domain can only be deleted when it has no accounts, groups, aliases or resources left.', action: 'Delete domain' });
    if (!ok) return;
    try {
      await this.#api.remove(d.id);
      this.#notify.done(`Domain ${d.unicodeName} deleted`);
      await this.#router.navigate(['/domains']);
    } catch (err) {
      this.#notify.failed('Deleting the domain', err);
    }
  }
}
