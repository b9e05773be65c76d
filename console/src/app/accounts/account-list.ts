// Accounts: server-paged, sorted and filtered (100,000 accounts are never
// loaded at once), quota bars for the page shown, and bulk disable/enable
// of the selected rows.
import { ChangeDetectionStrategy, Component, type OnInit, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { Account } from '@shared/schemas/directory.ts';
import { confirmAction } from '../ui/confirm-dialog';
import { DomainPicker } from '../ui/domain-picker';
import { ListFrame } from '../ui/list-frame';
import { Notifier } from '../ui/notifier';
import { PagedList } from '../ui/paged-list';
import { QuotaBar } from '../ui/quota-bar';
import { AccountsApi } from './accounts-api';

@Component({
  selector: 'stoa-account-list',
  imports: [RouterLink, MatTableModule, MatSortModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatSelectModule, ListFrame, QuotaBar, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './account-list.html',
  styles: `.bulk { display: flex; gap: 8px; align-items: center; min-height: 40px; } td.mat-column-select, th.mat-column-select { width: 48px; }`,
})
export class AccountList implements OnInit {
  readonly #api = inject(AccountsApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #route = inject(ActivatedRoute);
  protected readonly columns = ['select', 'address', 'displayName', 'state', 'quota', 'createdAt'];
  protected readonly usage = signal<Map<string, number>>(new Map());
  protected readonly domain = signal(this.#route.snapshot.queryParamMap.get('domain') ?? '');
  protected readonly busy = signal(false);
  protected readonly list = new PagedList<Account>(async (q) => {
    const page = await this.#api.list(q);
    // Usage only for the rows on screen: one request for the page, never for the whole directory.
    this.#api.usage(page.items.map((a) => a.id)).then((u) => this.usage.set(u), () => this.usage.set(new Map()));
    return page;
  }, { sort: 'address', order: 'asc', filters: { domain: this.domain() || undefined } });

  constructor() {
    effect(() => {
      const d = this.domain();
      untracked(() => { if ((this.list.query().filters['domain'] ?? '') !== d) void this.list.setFilter('domain', d || undefined); });
    });
  }

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }

  protected sort(s: Sort): void {
    void this.list.setSort(s.active, s.direction);
  }

  protected filterEnabled(value: string): void {
    void this.list.setFilter('enabled', value === '' ? undefined : value === 'true');
  }

  async setEnabledOfSelected(enabled: boolean): Promise<void> {
    const ids = [...this.list.selected()];
    if (ids.length === 0 || this.busy()) return;
    const verb = enabled ? 'Enable' : 'Disable';
    if (!enabled && !await confirmAction(this.#dialog, { title: `Disable ${ids.length} account(s)?`, message: 'Disabled accounts cannot log in or receive mail; their sessions end at once.', action: 'Disable' })) return;
    this.busy.set(true);
    try {
      const res = await this.#api.bulk(enabled ? 'enable' : 'disable', ids);
      const failures = res.items.filter((i) => !i.ok).map((i) => `${i.id}: ${i.message}`);
      if (failures.length) this.#notify.failed(`${verb} for ${failures.length} account(s)`, new Error(failures.slice(0, 3).join('; ')));
      else this.#notify.done(`${verb}d ${res.changed} account(s)`);
      this.list.clearSelection();
      await this.list.reload();
    } catch (err) {
      this.#notify.failed(`${verb} accounts`, err);
    } finally {
      this.busy.set(false);
    }
  }
}
