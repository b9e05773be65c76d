// Stored filter verdicts, newest first: find why one message was filed in
// Junk, held or refused by its Message-ID (from its headers) or its sender;
// narrow by the action taken.
import { ChangeDetectionStrategy, Component, type OnInit, inject } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { formatTime } from '../ui/format';
import { ListFrame } from '../ui/list-frame';
import { PagedList } from '../ui/paged-list';
import { FilterApi, type VerdictView } from './filter-api';

export const VERDICT_ACTIONS = ['accept', 'tag', 'junk', 'quarantine', 'reject', 'defer'] as const;

@Component({
  selector: 'stoa-verdict-list',
  imports: [RouterLink, MatTableModule, MatFormFieldModule, MatInputModule, MatSelectModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Verdicts</h1></div>
      <p class="muted">What the filter decided about each message and why. The id is also in the message's X-Stoa-Spam header.</p>
      <stoa-list-frame [list]="list" noun="verdicts" searchLabel="Exact sender (empty for all)">
        <ng-container filters>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Message-ID</mat-label>
            <input matInput placeholder="<id@host>" (change)="list.setFilter('messageId', $any($event.target).value.trim() || undefined)" data-testid="verdict-message-id"></mat-form-field>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Action</mat-label>
            <mat-select value="" (valueChange)="list.setFilter('action', $event || undefined)">
              <mat-option value="">Any</mat-option>
              @for (a of actions; track a) { <mat-option [value]="a">{{ a }}</mat-option> }
            </mat-select></mat-form-field>
        </ng-container>
        <table mat-table [dataSource]="list.items()" aria-label="Verdicts">
          <ng-container matColumnDef="at"><th mat-header-cell *matHeaderCellDef>When</th><td mat-cell *matCellDef="let v"><a [routerLink]="['/filter/verdicts', v.id]">{{ formatTime(v.at) }}</a></td></ng-container>
          <ng-container matColumnDef="direction"><th mat-header-cell *matHeaderCellDef>Direction</th><td mat-cell *matCellDef="let v">{{ v.direction }}</td></ng-container>
          <ng-container matColumnDef="sender"><th mat-header-cell *matHeaderCellDef>Sender</th><td mat-cell *matCellDef="let v">{{ v.sender || '<>' }}</td></ng-container>
          <ng-container matColumnDef="subject"><th mat-header-cell *matHeaderCellDef>Subject</th><td mat-cell *matCellDef="let v">{{ v.subject }}</td></ng-container>
          <ng-container matColumnDef="score"><th mat-header-cell *matHeaderCellDef>Score</th><td mat-cell *matCellDef="let v">{{ v.score }}</td></ng-container>
          <ng-container matColumnDef="action"><th mat-header-cell *matHeaderCellDef>Action</th><td mat-cell *matCellDef="let v">{{ v.action }}</td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
})
export class VerdictList implements OnInit {
  readonly #api = inject(FilterApi);
  protected readonly formatTime = formatTime;
  protected readonly actions = VERDICT_ACTIONS;
  protected readonly columns = ['at', 'direction', 'sender', 'subject', 'score', 'action'];
  // The verdicts' search is the exact envelope sender (the API filters by sender, not by substring).
  protected readonly list = new PagedList<VerdictView>(({ q, ...rest }) => this.#api.verdicts({ ...rest, sender: q === undefined ? undefined : String(q) }));

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }
}
