// Held mail: the quarantine of the domains you administer (/filter/quarantine)
// or your own (/me/quarantine), newest first, by status. Release delivers a
// message to the recipients it was held for; delete drops it. The service
// applies the scope (a domain admin sees their domains only; your own list
// shows only your copies, where your domain lets users release).
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { confirmAction } from '../ui/confirm-dialog';
import { formatBytes, formatTime } from '../ui/format';
import { ListFrame } from '../ui/list-frame';
import { Notifier } from '../ui/notifier';
import { PagedList } from '../ui/paged-list';
import { FilterApi, type HeldMessage, type QuarantineScope } from './filter-api';

@Component({
  selector: 'stoa-quarantine-list',
  imports: [RouterLink, MatTableModule, MatButtonModule, MatFormFieldModule, MatSelectModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `.actions { display: flex; gap: 4px; } .reason { max-width: 28rem; } td.subject { max-width: 24rem; overflow-wrap: anywhere; }`,
  template: `
    <div class="page">
      <div class="page-header">
        <h1>{{ mine() ? 'My held mail' : 'Quarantine' }}</h1>
        <button mat-stroked-button type="button" (click)="list.reload()">Refresh</button>
      </div>
      <p class="muted">
        @if (mine()) { Messages to you that the filter held. Release one to get it in your inbox, or delete it. }
        @else { Messages the filter held for the domains you administer. Release delivers one to the recipients it was held for. }
      </p>
      <stoa-list-frame [list]="list" noun="held messages" [searchable]="false">
        <ng-container filters>
          <mat-form-field subscriptSizing="dynamic"><mat-label>Status</mat-label>
            <mat-select value="held" (valueChange)="list.setFilter('status', $event || undefined)" data-testid="quarantine-status">
              <mat-option value="held">Held</mat-option><mat-option value="released">Released</mat-option>
              <mat-option value="deleted">Deleted</mat-option><mat-option value="">Any</mat-option>
            </mat-select></mat-form-field>
        </ng-container>
        <table mat-table [dataSource]="list.items()" aria-label="Held messages">
          <ng-container matColumnDef="held"><th mat-header-cell *matHeaderCellDef>Held</th><td mat-cell *matCellDef="let m">{{ formatTime(m.heldAt) }}</td></ng-container>
          <ng-container matColumnDef="from"><th mat-header-cell *matHeaderCellDef>From</th><td mat-cell *matCellDef="let m">{{ m.from || m.sender || '<>' }}</td></ng-container>
          <ng-container matColumnDef="recipients"><th mat-header-cell *matHeaderCellDef>To</th><td mat-cell *matCellDef="let m">{{ recipientsOf(m) }}</td></ng-container>
          <ng-container matColumnDef="subject"><th mat-header-cell *matHeaderCellDef>Subject</th>
            <td mat-cell *matCellDef="let m" class="subject">
              @if (mine()) { {{ m.subject || '(no subject)' }} } @else { <a [routerLink]="['/filter/quarantine', m.id]">{{ m.subject || '(no subject)' }}</a> }
            </td></ng-container>
          <ng-container matColumnDef="reason"><th mat-header-cell *matHeaderCellDef>Why</th><td mat-cell *matCellDef="let m" class="reason">{{ m.reason }} (score {{ m.score }})</td></ng-container>
          <ng-container matColumnDef="size"><th mat-header-cell *matHeaderCellDef>Size</th><td mat-cell *matCellDef="let m">{{ formatBytes(m.size) }}</td></ng-container>
          <ng-container matColumnDef="status"><th mat-header-cell *matHeaderCellDef>Status</th><td mat-cell *matCellDef="let m">{{ m.status }}</td></ng-container>
          <ng-container matColumnDef="actions"><th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Actions</span></th>
            <td mat-cell *matCellDef="let m">
              @if (m.status === 'held') {
                <div class="actions">
                  <button mat-stroked-button type="button" (click)="releaseMessage(m)" [attr.aria-label]="'Release ' + (m.subject || 'message')">Release</button>
                  <button mat-button type="button" (click)="deleteMessage(m)" [attr.aria-label]="'Delete ' + (m.subject || 'message')">Delete</button>
                </div>
              }
            </td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns" [attr.data-subject]="row.subject"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
})
export class QuarantineList implements OnInit {
  /** Route data: the domains' quarantine, or the signed-in admin's own held mail. */
  readonly scope = input<QuarantineScope>('domains');
  readonly #api = inject(FilterApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly formatTime = formatTime;
  protected readonly formatBytes = formatBytes;
  protected readonly mine = computed(() => this.scope() === 'mine');
  protected readonly columns = ['held', 'from', 'recipients', 'subject', 'reason', 'size', 'status', 'actions'];
  protected readonly list = new PagedList<HeldMessage>((q) => this.#api.quarantine(this.scope(), q), { filters: { status: 'held' } });

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }

  protected recipientsOf(m: HeldMessage): string {
    const all = m.recipients.map((r) => r.address);
    return all.length > 3 ? `${all.slice(0, 3).join(', ')} and ${all.length - 3} more` : all.join(', ');
  }

  async releaseMessage(m: HeldMessage): Promise<void> {
    const ok = await confirmAction(this.#dialog, {
      title: 'Release this message?',
      message: `"${m.subject || '(no subject)'}" from ${m.from || m.sender || '<>'} is delivered to ${this.mine() ? 'your inbox' : this.recipientsOf(m)}. It was held because: ${m.reason}.`,
      action: 'Release',
    });
    if (!ok) return;
    try {
      await this.#api.release(this.scope(), m.id);
      this.#notify.done('Message released and delivered');
    } catch (err) {
      this.#notify.failed('Releasing the message', err);
    }
    await this.list.reload();
  }

  async deleteMessage(m: HeldMessage): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: 'Delete this message?', message: `"${m.subject || '(no subject)'}" is removed from the quarantine and never delivered.`, action: 'Delete' })) return;
    try {
      await this.#api.remove(this.scope(), m.id);
      this.#notify.done('Message deleted');
    } catch (err) {
      this.#notify.failed('Deleting the message', err);
    }
    await this.list.reload();
  }
}
