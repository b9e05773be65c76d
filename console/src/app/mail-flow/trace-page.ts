// The live message trace: events as the server publishes them (accepted,
// delivered, deferred, rejected with the reason, failed), newest first.
// When the live channel drops, the list stays but is marked stale until the
// channel is back.
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import type { TraceEvent } from '@shared/schemas/live.ts';
import { LiveService } from '../core/live';
import { SessionStore } from '../core/session';

export function matchesTrace(e: TraceEvent, stage: string, text: string): boolean {
  if (stage && e.stage !== stage) return false;
  const t = text.trim().toLowerCase();
  if (!t) return true;
  return [e.sender, ...e.recipients, e.reason ?? '', e.messageId ?? '', e.queueId ?? '', e.ip ?? ''].some((s) => s.toLowerCase().includes(t));
}

@Component({
  selector: 'stoa-trace-page',
  imports: [FormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Live message trace</h1>
        <span class="state" [class.stale]="live.stale()" role="status" data-testid="trace-state">{{ live.stale() ? 'Stale: not receiving (reconnecting…)' : 'Receiving live' }}</span>
        <button mat-stroked-button type="button" (click)="live.clearTrace()">Clear</button>
      </div>
      <div class="toolbar-row">
        <mat-form-field subscriptSizing="dynamic"><mat-label>Stage</mat-label>
          <mat-select [ngModel]="stage()" (ngModelChange)="stage.set($event)"><mat-option value="">All</mat-option>
            @for (s of stages; track s) { <mat-option [value]="s">{{ s }}</mat-option> }</mat-select></mat-form-field>
        <mat-form-field subscriptSizing="dynamic"><mat-label>Address, id or reason contains</mat-label><input matInput [ngModel]="text()" (ngModelChange)="text.set($event)"></mat-form-field>
        @if (live.dropped() > 0) { <span class="warn-text">{{ live.dropped() }} event(s) were dropped while this page was behind.</span> }
      </div>
      <div class="table-scroll" [class.stale-data]="live.stale()">
        <table class="trace" aria-label="Message trace" aria-live="polite" aria-relevant="additions">
          <thead><tr><th>Time</th><th>Stage</th><th>Where</th><th>From</th><th>To</th><th>Id</th><th>Reason</th></tr></thead>
          <tbody>
            @for (e of shown(); track e.seq) {
              <tr [class]="'stage-' + e.stage" [attr.data-stage]="e.stage">
                <td>{{ e.at.slice(11, 19) }}</td><td><strong>{{ e.stage }}</strong></td><td>{{ e.origin }}{{ e.ip ? ' ' + e.ip : '' }}</td>
                <td>{{ e.sender || '<>' }}</td><td>{{ e.recipients.join(', ') }}</td>
                <td class="mono">@if (e.queueId && session.isServerAdmin()) { <a [routerLink]="['/mail-flow/queue', e.queueId]">{{ e.queueId.slice(0, 8) }}</a> } @else { {{ (e.messageId ?? '').slice(0, 12) }} }</td>
                <td class="mono">{{ e.reason ?? '' }}</td>
              </tr>
            } @empty { <tr><td colspan="7" class="muted">No events yet. Messages appear here as the server handles them.</td></tr> }
          </tbody>
        </table>
      </div>
    </div>
  `,
  styles: `
    .state { padding: 2px 10px; border-radius: 12px; background: #d7f0dc; color: #14532d; } .state.stale { background: #ffe9c2; color: #6b3b00; }
    table.trace { border-collapse: collapse; width: 100%; font-size: 14px; } table.trace th, table.trace td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .stage-rejected td, .stage-failed td { color: #8a1c1c; } .stage-deferred td, .stage-held td { color: #6b3b00; } .stage-delivered td { color: #14532d; }
    .stale-data { opacity: 0.6; }
  `,
})
export class TracePage {
  protected readonly live = inject(LiveService);
  protected readonly session = inject(SessionStore);
  protected readonly stages = ['accepted', 'delivered', 'queued', 'held', 'deferred', 'rejected', 'failed'];
  protected readonly stage = signal('');
  protected readonly text = signal('');
  protected readonly shown = computed(() => this.live.trace().filter((e) => matchesTrace(e, this.stage(), this.text())).slice(0, 300));
}
