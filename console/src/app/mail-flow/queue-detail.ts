// One queued message: recipients with their state and last answer, every
// delivery attempt, and the operator actions (retry now, delete).
import { ChangeDetectionStrategy, Component, type OnInit, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { Router, RouterLink } from '@angular/router';
import type { QueueDetail } from '@shared/schemas/queue.ts';
import { confirmAction } from '../ui/confirm-dialog';
import { formatBytes, formatTime } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { MailFlowApi } from './mail-flow-api';

@Component({
  selector: 'stoa-queue-detail',
  imports: [RouterLink, MatCardModule, MatButtonModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <stoa-load-state [loading]="detail.loading()" [error]="detail.error()" what="queued message" backLink="/mail-flow/queue" (retry)="detail.reload()">
        @if (detail.value(); as d) {
          <div class="page-header">
            <h1>Queued message <span class="mono">{{ d.message.id.slice(0, 8) }}</span></h1>
            <a mat-stroked-button routerLink="/mail-flow/queue">Back to the queue</a>
            <button mat-flat-button type="button" (click)="retryNow()" data-testid="retry">Retry now</button>
            <button mat-stroked-button type="button" (click)="deleteMessage()">Delete</button>
          </div>
          <p>From {{ d.message.sender || '<>' }} · {{ formatBytes(d.message.size) }} · queued {{ formatTime(d.message.createdAt) }} · expires {{ formatTime(d.message.expiresAt) }}</p>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Recipients</mat-card-title></mat-card-header><mat-card-content>
            <div class="table-scroll"><table class="plain" aria-label="Recipients">
              <thead><tr><th>Address</th><th>State</th><th>Attempts</th><th>Next attempt</th><th>Last answer</th></tr></thead>
              <tbody>@for (r of d.recipients; track r.address) {
                <tr><td>{{ r.address }}</td><td data-testid="recipient-status">{{ r.status }}</td><td>{{ r.attempts }}</td><td>{{ formatTime(r.nextAttemptAt) }}</td>
                  <td class="mono">{{ r.lastResponse ? r.lastResponse.code + ' ' + (r.lastResponse.enhanced ?? '') + ' ' + r.lastResponse.text : '—' }}</td></tr>
              }</tbody>
            </table></div>
          </mat-card-content></mat-card>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Attempts</mat-card-title></mat-card-header><mat-card-content>
            <div class="table-scroll"><table class="plain" aria-label="Delivery attempts">
              <thead><tr><th>When</th><th>Recipient</th><th>Server</th><th>TLS</th><th>Result</th><th>Answer</th></tr></thead>
              <tbody>@for (a of d.attempts; track $index) {
                <tr><td>{{ formatTime(a.at) }}</td><td>{{ a.address }}</td><td>{{ a.mxHost ?? '—' }} {{ a.ip ?? '' }}</td><td>{{ a.tls ? 'yes' : 'no' }}</td><td>{{ a.result }}</td>
                  <td class="mono">{{ a.response ? a.response.code + ' ' + (a.response.enhanced ?? '') + ' ' + a.response.text : '—' }}</td></tr>
              } @empty { <tr><td colspan="6" class="muted">No attempt yet</td></tr> }</tbody>
            </table></div>
          </mat-card-content></mat-card>
        }
      </stoa-load-state>
    </div>
  `,
  styles: `mat-card { margin-bottom: 16px; }`,
})
export class QueueDetailPage implements OnInit {
  readonly id = input.required<string>();
  readonly #api = inject(MailFlowApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #router = inject(Router);
  protected readonly formatBytes = formatBytes;
  protected readonly formatTime = formatTime;
  protected readonly detail = new Loaded<QueueDetail>(() => this.#api.queued(this.id()));

  async ngOnInit(): Promise<void> {
    await this.detail.reload();
  }

  async retryNow(): Promise<void> {
    try {
      const n = await this.#api.retry(this.id());
      this.#notify.done(n > 0 ? `${n} recipient(s) will be retried now` : 'Nothing left to retry');
      // The worker picks it up at once; show the outcome when it has had a moment.
      await this.detail.reload();
      setTimeout(() => void this.detail.reload(), 1500);
    } catch (err) {
      this.#notify.failed('Retry', err);
    }
  }

  async deleteMessage(): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: 'Delete this message from the queue?', message: 'Pending recipients will not get it, and the sender is not told.', action: 'Delete' })) return;
    try {
      await this.#api.remove(this.id());
      this.#notify.done('Message deleted from the queue');
      await this.#router.navigate(['/mail-flow/queue']);
    } catch (err) {
      this.#notify.failed('Delete', err);
    }
  }
}
