// Shared mailboxes (info@, sales@, support@): server-paged, sorted and
// filtered like accounts, with the storage of the page shown.
import { ChangeDetectionStrategy, Component, type OnInit, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { SharedMailbox } from '@shared/schemas/shared-mailboxes.ts';
import { DomainPicker } from '../ui/domain-picker';
import { ListFrame } from '../ui/list-frame';
import { PagedList } from '../ui/paged-list';
import { QuotaBar } from '../ui/quota-bar';
import { SharedMailboxesApi } from './shared-mailboxes-api';

@Component({
  selector: 'stoa-shared-mailbox-list',
  imports: [RouterLink, MatTableModule, MatSortModule, MatButtonModule, MatFormFieldModule, MatSelectModule, ListFrame, QuotaBar, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header">
        <h1>Shared mailboxes</h1>
        <a mat-flat-button routerLink="/shared-mailboxes/new">New shared mailbox</a>
      </div>
      <p class="muted">Mailboxes nobody logs in as: people open them, send as them or on their behalf through grants.</p>
      <stoa-list-frame [list]="list" noun="shared mailboxes" searchLabel="Filter by address or name">
        <ng-container filters><stoa-domain-picker [(value)]="domain" /></ng-container>
        <table mat-table [dataSource]="list.items()" matSort [matSortActive]="list.query().sort ?? ''" [matSortDirection]="list.query().order ?? ''" (matSortChange)="sort($event)" aria-label="Shared mailboxes">
          <ng-container matColumnDef="address"><th mat-header-cell *matHeaderCellDef mat-sort-header>Address</th>
            <td mat-cell *matCellDef="let m"><a [routerLink]="['/shared-mailboxes', m.id]">{{ m.address }}</a></td></ng-container>
          <ng-container matColumnDef="displayName"><th mat-header-cell *matHeaderCellDef mat-sort-header>Name</th><td mat-cell *matCellDef="let m">{{ m.displayName }}</td></ng-container>
          <ng-container matColumnDef="state"><th mat-header-cell *matHeaderCellDef>State</th><td mat-cell *matCellDef="let m">{{ m.enabled ? 'Enabled' : 'Disabled' }}</td></ng-container>
          <ng-container matColumnDef="quota"><th mat-header-cell *matHeaderCellDef>Storage</th>
            <td mat-cell *matCellDef="let m"><stoa-quota-bar [used]="usage().get(m.id) ?? null" [limit]="m.quotaBytes" /></td></ng-container>
          <ng-container matColumnDef="createdAt"><th mat-header-cell *matHeaderCellDef mat-sort-header>Created</th><td mat-cell *matCellDef="let m">{{ m.createdAt.slice(0, 10) }}</td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns" [attr.data-address]="row.address"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
})
export class SharedMailboxList implements OnInit {
  readonly #api = inject(SharedMailboxesApi);
  protected readonly columns = ['address', 'displayName', 'state', 'quota', 'createdAt'];
  protected readonly usage = signal<Map<string, number>>(new Map());
  protected readonly domain = signal(inject(ActivatedRoute).snapshot.queryParamMap.get('domain') ?? '');
  protected readonly list = new PagedList<SharedMailbox>(async (q) => {
    const page = await this.#api.list(q);
    this.#api.usage(page.items.map((m) => m.id)).then((u) => this.usage.set(u), () => this.usage.set(new Map()));
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
}
