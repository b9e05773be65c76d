// The audit log: who did what, when, to which object; filtered and paged on
// the server (a domain admin sees only entries of their domains). A row
// opens to show the fields before and after.
import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { AUDIT_OBJECT_TYPES, type AuditEntry } from '@shared/schemas/directory.ts';
import { ApiHttp } from '../core/api-http';
import { DomainPicker } from '../ui/domain-picker';
import { formatTime } from '../ui/format';
import { ListFrame } from '../ui/list-frame';
import { type PageResult, PagedList } from '../ui/paged-list';
import { AUDIT_ENDPOINTS } from './audit.endpoints';

@Component({
  selector: 'stoa-audit-page',
  imports: [MatTableModule, MatSortModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, ListFrame, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Audit log</h1></div>
      <stoa-list-frame [list]="list" noun="entries" searchLabel="Search">
        <ng-container filters>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Who (login)</mat-label><input matInput (change)="list.setFilter('actor', $any($event.target).value.trim() || undefined)"></mat-form-field>
          <mat-form-field subscriptSizing="dynamic"><mat-label>What</mat-label>
            <mat-select value="" (valueChange)="list.setFilter('objectType', $event || undefined)"><mat-option value="">Any object</mat-option>
              @for (t of objectTypes; track t) { <mat-option [value]="t">{{ t }}</mat-option> }</mat-select></mat-form-field>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Object id</mat-label><input matInput (change)="list.setFilter('objectId', $any($event.target).value.trim() || undefined)"></mat-form-field>
          <mat-form-field subscriptSizing="dynamic"><mat-label>From (day)</mat-label>
            <input matInput type="date" (change)="setDay('since', $any($event.target).value)" data-testid="audit-since"></mat-form-field>
          <mat-form-field subscriptSizing="dynamic"><mat-label>To (day, included)</mat-label>
            <input matInput type="date" (change)="setDay('until', $any($event.target).value)" data-testid="audit-until"></mat-form-field>
          <stoa-domain-picker [value]="''" (valueChange)="list.setFilter('domain', $event || undefined)" />
        </ng-container>
        <table mat-table [dataSource]="list.items()" matSort matSortActive="at" matSortDirection="desc" (matSortChange)="sort($event)" aria-label="Audit entries" multiTemplateDataRows>
          <ng-container matColumnDef="at"><th mat-header-cell *matHeaderCellDef mat-sort-header>When</th><td mat-cell *matCellDef="let e">{{ formatTime(e.at) }}</td></ng-container>
          <ng-container matColumnDef="actor"><th mat-header-cell *matHeaderCellDef>Who</th><td mat-cell *matCellDef="let e">{{ e.actor }}<span class="muted">{{ e.ip ? ' · ' + e.ip : '' }}</span></td></ng-container>
          <ng-container matColumnDef="action"><th mat-header-cell *matHeaderCellDef>What</th><td mat-cell *matCellDef="let e">{{ e.action }} {{ e.objectType }}</td></ng-container>
          <ng-container matColumnDef="object"><th mat-header-cell *matHeaderCellDef>Object</th><td mat-cell *matCellDef="let e">{{ labelOf(e) }}</td></ng-container>
          <ng-container matColumnDef="details"><th mat-header-cell *matHeaderCellDef><span class="visually-hidden">Details</span></th>
            <td mat-cell *matCellDef="let e"><button mat-button type="button" (click)="toggle(e.id)" [attr.aria-expanded]="open() === e.id">{{ open() === e.id ? 'Hide' : 'Details' }}</button></td></ng-container>
          <ng-container matColumnDef="expanded"><td mat-cell *matCellDef="let e" [attr.colspan]="columns.length">
            @if (open() === e.id) { <div class="diff"><div><h3>Before</h3><pre class="mono">{{ json(e.before) }}</pre></div><div><h3>After</h3><pre class="mono">{{ json(e.after) }}</pre></div></div> }
          </td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
          <tr mat-row *matRowDef="let row; columns: ['expanded']" class="expanded-row" [class.hidden]="open() !== row.id"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
  styles: `.diff { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } pre { white-space: pre-wrap; max-height: 300px; overflow: auto; } .hidden { display: none; }`,
})
export class AuditPage implements OnInit {
  readonly #http = inject(ApiHttp);
  protected readonly formatTime = formatTime;
  protected readonly objectTypes = AUDIT_OBJECT_TYPES;
  protected readonly columns = ['at', 'actor', 'action', 'object', 'details'];
  protected readonly open = signal<string | null>(null);
  protected readonly list = new PagedList<AuditEntry>((q) => this.#http.call<PageResult<AuditEntry>>(AUDIT_ENDPOINTS.list, { query: q }), { sort: 'at', order: 'desc' });

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }

  protected sort(s: Sort): void {
    void this.list.setSort(s.active, s.direction);
  }

  /** A day picked in the browser's time zone: since = its start, until = the start of the next day. */
  protected setDay(bound: 'since' | 'until', day: string): void {
    if (!day) {
      void this.list.setFilter(bound, undefined);
      return;
    }
    const [y, m, d] = day.split('-').map(Number);
    const start = new Date(y, m - 1, bound === 'since' ? d : d + 1);
    void this.list.setFilter(bound, start.toISOString());
  }

  protected toggle(id: string): void {
    this.open.update((o) => (o === id ? null : id));
  }

  protected labelOf(e: AuditEntry): string {
    const pick = (o: Record<string, unknown> | null) => (o && (o['address'] ?? o['name'] ?? o['login'])) as string | undefined;
    return pick(e.after) ?? pick(e.before) ?? e.objectId;
  }

  protected json(v: unknown): string {
    return v === null ? '—' : JSON.stringify(v, null, 2);
  }
}
