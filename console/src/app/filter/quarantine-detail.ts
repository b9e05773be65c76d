// One held message: who sent it to whom, why it was held (the verdict's
// rules with their meaning), the message itself to inspect, release or
// delete, and teaching the domain's classifier that it is spam or not.
// Outside your domains it answers "not found".
import { ChangeDetectionStrategy, Component, type OnInit, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { Router, RouterLink } from '@angular/router';
import { confirmAction } from '../ui/confirm-dialog';
import { formatBytes, formatTime } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { SessionStore } from '../core/session';
import { FilterApi, type HeldMessage, MAX_TRAIN_BYTES, type VerdictView } from './filter-api';
import { RuleHits } from './rule-hits';

@Component({
  selector: 'stoa-quarantine-detail',
  imports: [RouterLink, MatCardModule, MatButtonModule, LoadState, RuleHits],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `mat-card { margin-bottom: 16px; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; } .actions { display: flex; gap: 8px; flex-wrap: wrap; }`,
  template: `
    <div class="page">
      <stoa-load-state [loading]="entry.loading()" [error]="entry.error()" what="held message" backLink="/filter/quarantine" (retry)="ngOnInit()">
        @if (entry.value(); as m) {
          <div class="page-header">
            <h1>Held message</h1>
            <div class="actions">
              <a mat-stroked-button [href]="messageUrl()" target="_blank" rel="noopener">Open the message</a>
              @if (m.status === 'held') {
                <button mat-flat-button type="button" (click)="releaseMessage(m)" [disabled]="busy()">Release</button>
                <button mat-stroked-button type="button" (click)="deleteMessage(m)" [disabled]="busy()">Delete</button>
              }
            </div>
          </div>
          <mat-card appearance="outlined"><mat-card-content>
            <dl>
              <dt>Subject</dt><dd>{{ m.subject || '(no subject)' }}</dd>
              <dt>From</dt><dd>{{ m.from || '—' }} (envelope {{ m.sender || '<>' }})</dd>
              <dt>To</dt><dd>{{ recipients(m) }}</dd>
              <dt>Direction</dt><dd>{{ m.direction }}</dd>
              <dt>Held</dt><dd>{{ formatTime(m.heldAt) }}; kept until {{ formatTime(m.expiresAt) }}</dd>
              <dt>Size</dt><dd>{{ formatBytes(m.size) }}</dd>
              <dt>Status</dt><dd data-testid="held-status">{{ m.status }}@if (m.resolvedAt) { , {{ formatTime(m.resolvedAt) }} by {{ m.resolvedBy ?? 'the server' }} }</dd>
              <dt>Why</dt><dd>{{ m.reason }} (score {{ m.score }})</dd>
            </dl>
          </mat-card-content></mat-card>
          <mat-card appearance="outlined">
            <mat-card-header><mat-card-title>Teach the filter</mat-card-title>
              <mat-card-subtitle>The classifier of each recipient domain you administer learns from this message; training it again as the other kind moves it</mat-card-subtitle></mat-card-header>
            <mat-card-content>
              @if (m.size > maxTrainBytes) {
                <p class="muted">Too large to train from here ({{ formatBytes(m.size) }}; at most {{ formatBytes(maxTrainBytes) }}).</p>
              } @else if (trainDomains(m).length === 0) {
                <p class="muted">None of its recipients' domains is yours to train.</p>
              } @else {
                <div class="actions">
                  <button mat-stroked-button type="button" (click)="train(m, 'spam')" [disabled]="busy()">This is spam</button>
                  <button mat-stroked-button type="button" (click)="train(m, 'ham')" [disabled]="busy()">This is not spam</button>
                </div>
              }
              @if (trained(); as t) { <p role="status" data-testid="trained">{{ t }}</p> }
            </mat-card-content>
          </mat-card>
          <mat-card appearance="outlined">
            <mat-card-header><mat-card-title>Verdict</mat-card-title></mat-card-header>
            <mat-card-content>
              @if (verdict(); as v) {
                <stoa-rule-hits [verdict]="v" />
                <a mat-button [routerLink]="['/filter/verdicts', v.id]">Every check that ran</a>
              } @else { <p class="muted">{{ m.verdictId ? 'Loading the verdict…' : 'No stored verdict for this message.' }}</p> }
            </mat-card-content>
          </mat-card>
        }
      </stoa-load-state>
    </div>
  `,
})
export class QuarantineDetail implements OnInit {
  readonly id = input.required<string>();
  readonly #api = inject(FilterApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly formatTime = formatTime;
  protected readonly formatBytes = formatBytes;
  protected readonly entry = new Loaded<HeldMessage>(() => this.#api.held(this.id()));
  protected readonly verdict = signal<VerdictView | null>(null);
  protected readonly busy = signal(false);
  protected readonly trained = signal<string | null>(null);
  protected readonly maxTrainBytes = MAX_TRAIN_BYTES;
  readonly #session = inject(SessionStore);

  async ngOnInit(): Promise<void> {
    const m = await this.entry.reload();
    if (m?.verdictId) this.#api.verdict(m.verdictId).then((v) => this.verdict.set(v), () => undefined);
  }

  protected messageUrl(): string {
    return this.#api.messageUrl(this.id());
  }

  protected recipients(m: HeldMessage): string {
    return m.recipients.map((r) => r.address).join(', ');
  }

  async releaseMessage(m: HeldMessage): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: 'Release this message?', message: `It is delivered to ${this.recipients(m)}.`, action: 'Release' })) return;
    this.busy.set(true);
    try {
      this.entry.value.set(await this.#api.release('domains', m.id));
      this.#notify.done('Message released and delivered');
    } catch (err) {
      this.#notify.failed('Releasing the message', err);
    } finally {
      this.busy.set(false);
    }
  }

  async deleteMessage(m: HeldMessage): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: 'Delete this message?', message: 'It is removed from the quarantine and never delivered.', action: 'Delete' })) return;
    this.busy.set(true);
    try {
      await this.#api.remove('domains', m.id);
      this.#notify.done('Message deleted');
      await this.#router.navigate(['/filter/quarantine']);
    } catch (err) {
      this.#notify.failed('Deleting the message', err);
    } finally {
      this.busy.set(false);
    }
  }

  /** The recipients' domains the signed-in admin may train (a server admin: all of them). */
  protected trainDomains(m: HeldMessage): string[] {
    const info = this.#session.info();
    if (!info) return [];
    if (info.role === 'server-admin') return m.domainIds;
    const mine = new Set(info.adminDomains.map((d) => d.id));
    return m.domainIds.filter((d) => mine.has(d));
  }

  async train(m: HeldMessage, cls: 'spam' | 'ham'): Promise<void> {
    const domains = this.trainDomains(m);
    this.busy.set(true);
    this.trained.set(null);
    try {
      const results = [];
      for (const d of domains) results.push(await this.#api.trainHeld(m.id, cls, d));
      const kind = cls === 'spam' ? 'spam' : 'not spam';
      const words = { learned: `learned it as ${kind}`, moved: `now counts it as ${kind} instead`, unchanged: `already knew it as ${kind}` };
      this.trained.set(results.map((r) => `${r.scope.replace(/^domain:/, '')}: ${words[r.result]}`).join('; '));
    } catch (err) {
      this.#notify.failed('Teaching the filter', err);
    } finally {
      this.busy.set(false);
    }
  }
}
