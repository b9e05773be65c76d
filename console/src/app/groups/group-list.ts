// Groups and distribution lists, server-paged.
import { ChangeDetectionStrategy, Component, type OnInit, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import type { Group } from '@shared/schemas/directory.ts';
import { DomainPicker } from '../ui/domain-picker';
import { ListFrame } from '../ui/list-frame';
import { PagedList } from '../ui/paged-list';
import { GroupsApi } from './groups-api';

@Component({
  selector: 'stoa-group-list',
  imports: [RouterLink, MatTableModule, MatSortModule, MatButtonModule, ListFrame, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Groups and distribution lists</h1><a mat-flat-button routerLink="/groups/new">New group</a></div>
      <stoa-list-frame [list]="list" noun="groups" searchLabel="Filter by address or name">
        <stoa-domain-picker filters [(value)]="domain" />
        <table mat-table [dataSource]="list.items()" matSort (matSortChange)="sort($event)" aria-label="Groups">
          <ng-container matColumnDef="address"><th mat-header-cell *matHeaderCellDef mat-sort-header>Address</th>
            <td mat-cell *matCellDef="let g"><a [routerLink]="['/groups', g.id]">{{ g.address }}</a></td></ng-container>
          <ng-container matColumnDef="name"><th mat-header-cell *matHeaderCellDef mat-sort-header>Name</th><td mat-cell *matCellDef="let g">{{ g.name }}</td></ng-container>
          <ng-container matColumnDef="kind"><th mat-header-cell *matHeaderCellDef>Kind</th><td mat-cell *matCellDef="let g">{{ g.kind === 'security' ? 'Security group' : 'Distribution list' }}</td></ng-container>
          <ng-container matColumnDef="members"><th mat-header-cell *matHeaderCellDef>Members</th><td mat-cell *matCellDef="let g">{{ g.members.length }}</td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
})
export class GroupList implements OnInit {
  readonly #api = inject(GroupsApi);
  protected readonly columns = ['address', 'name', 'kind', 'members'];
  protected readonly domain = signal('');
  protected readonly list = new PagedList<Group>((q) => this.#api.list(q), { sort: 'address', order: 'asc' });

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
