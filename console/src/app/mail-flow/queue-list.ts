// The outbound queue: filter by state, destination domain or sender; open
// a message for its attempts; retry or delete from there.
import { ChangeDetectionStrategy, Component, type OnInit, inject } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { formatBytes, formatTime } from '../ui/format';
import { ListFrame } from '../ui/list-frame';
import { PagedList } from '../ui/paged-list';
import { MailFlowApi, type QueueRow } from './mail-flow-api';

@Component({
  selector: 'stoa-queue-list',
  imports: [FormsModule, RouterLink, MatTableModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatCheckboxModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Outbound queue</h1><button mat-stroked-button type="button" (click)="list.reload()">Refresh</button></div>
      <stoa-list-frame [list]="list" noun="queued messages" searchLabel="Exact sender (empty for all)">
        <ng-container filters>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Recipient state</mat-label>
            <mat-select value="" (valueChange)="list.setFilter('status', $event || undefined)" data-testid="queue-status">
              <mat-option value="">Any pending</mat-option><mat-option value="queued">Queued</mat-option><mat-option value="deferred">Deferred</mat-option>
              <mat-option value="delivered">Delivered</mat-option><mat-option value="failed">Failed</mat-option></mat-select></mat-form-field>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Destination domain</mat-label>
            <input matInput (change)="list.setFilter('domain', $any($event.target).value.trim() || undefined)"></mat-form-field>
          <mat-checkbox (change)="list.setFilter('includeCompleted', $event.checked || undefined)">Include completed</mat-checkbox>
        </ng-container>
        <table mat-table [dataSource]="list.items()" aria-label="Queued messages">
          <ng-container matColumnDef="id"><th mat-header-cell *matHeaderCellDef>Message</th><td mat-cell *matCellDef="let m"><a [routerLink]="['/mail-flow/queue', m.id]" class="mono">{{ m.id.slice(0, 8) }}</a></td></ng-container>
          <ng-container matColumnDef="sender"><th mat-header-cell *matHeaderCellDef>Sender</th><td mat-cell *matCellDef="let m">{{ m.sender || '<>' }}</td></ng-container>
          <ng-container matColumnDef="recipients"><th mat-header-cell *matHeaderCellDef>Pending / recipients</th><td mat-cell *matCellDef="let m">{{ m.pendingCount }} / {{ m.recipientCount }}</td></ng-container>
          <ng-container matColumnDef="size"><th mat-header-cell *matHeaderCellDef>Size</th><td mat-cell *matCellDef="let m">{{ formatBytes(m.size) }}</td></ng-container>
          <ng-container matColumnDef="created"><th mat-header-cell *matHeaderCellDef>Queued</th><td mat-cell *matCellDef="let m">{{ formatTime(m.createdAt) }}</td></ng-container>
          <ng-container matColumnDef="next"><th mat-header-cell *matHeaderCellDef>Next attempt</th><td mat-cell *matCellDef="let m">{{ formatTime(m.nextAttemptAt) }}</td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
})
export class QueueList implements OnInit {
  readonly #api = inject(MailFlowApi);
  protected readonly formatBytes = formatBytes;
  protected readonly formatTime = formatTime;
  protected readonly columns = ['id', 'sender', 'recipients', 'size', 'created', 'next'];
  // The queue's "q" is the exact envelope sender (the API filters by sender, not by substring).
  protected readonly list = new PagedList<QueueRow>(({ q, ...rest }) => this.#api.queue({ ...rest, sender: q === undefined ? undefined : String(q) }));

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }
}
