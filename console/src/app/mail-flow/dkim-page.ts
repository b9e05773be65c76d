// DKIM keys of a domain: the TXT records to publish, and rotation.
import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute } from '@angular/router';
import { type ApiProblem, problemFrom } from '../core/problem';
import type { DkimInfo } from '../domains/domains-api';
import { confirmAction } from '../ui/confirm-dialog';
import { DomainPicker } from '../ui/domain-picker';
import { formatTime } from '../ui/format';
import { Notifier } from '../ui/notifier';
import { MailFlowApi } from './mail-flow-api';

@Component({
  selector: 'stoa-dkim-page',
  imports: [MatButtonModule, MatProgressBarModule, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>DKIM keys</h1><stoa-domain-picker [(value)]="domain" [allowAll]="false" />
        @if (info()) { <button mat-stroked-button type="button" (click)="rotateKeys()">Rotate keys</button> }</div>
      @if (loading()) { <mat-progress-bar mode="indeterminate" aria-label="Loading keys" /> }
      @if (error(); as e) { <p class="error-text" role="alert">{{ e.status === 404 ? 'This domain does not exist or is outside your domains.' : e.summary }}</p> }
      @if (info(); as i) {
        <p>Publish each active key as a TXT record. After a rotation, keep the old records until mail signed with them has been delivered (a few days).</p>
        @for (r of i.records; track r.selector) {
          <section class="key" [attr.aria-label]="'Key ' + r.selector">
            <h2>{{ r.selector }} <span class="muted">{{ r.algorithm }} · {{ r.active ? 'active, signing' : 'inactive' }} · created {{ formatTime(r.createdAt) }}</span></h2>
            <div><strong>Name:</strong> <span class="mono">{{ r.name }}</span></div>
            <div><strong>TXT:</strong> <span class="mono">{{ r.value }}</span></div>
          </section>
        }
      }
    </div>
  `,
  styles: `.key { border-bottom: 1px solid var(--mat-sys-outline-variant); padding: 8px 0; } h2 { font: var(--mat-sys-title-medium); }`,
})
export class DkimPage {
  readonly #api = inject(MailFlowApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly formatTime = formatTime;
  protected readonly domain = signal(inject(ActivatedRoute).snapshot.queryParamMap.get('domain') ?? '');
  protected readonly info = signal<DkimInfo | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiProblem | null>(null);

  constructor() {
    effect(() => {
      const d = this.domain();
      untracked(() => void this.load(d));
    });
  }

  async load(domain: string): Promise<void> {
    this.info.set(null);
    this.error.set(null);
    if (!domain) return;
    this.loading.set(true);
    try {
      this.info.set(await this.#api.dkim(domain));
    } catch (err) {
      this.error.set(problemFrom(err));
    } finally {
      this.loading.set(false);
    }
  }

  async rotateKeys(): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: `Rotate the DKIM keys of ${this.domain()}?`, message: 'New keys sign from now on: publish their records at once, or receivers will see failing signatures.', action: 'Rotate' })) return;
    try {
      this.info.set(await this.#api.rotateDkim(this.domain()));
      this.#notify.done('New keys created; publish their records');
    } catch (err) {
      this.#notify.failed('Rotating the keys', err);
    }
  }
}
