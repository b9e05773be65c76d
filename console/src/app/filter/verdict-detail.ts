// One verdict in full: the rules that fired with their meaning, and every
// check that ran in the pipeline, its stage, time taken and outcome.
import { ChangeDetectionStrategy, Component, type OnInit, inject, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { formatTime } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { FilterApi, type VerdictView } from './filter-api';
import { RuleHits } from './rule-hits';

@Component({
  selector: 'stoa-verdict-detail',
  imports: [MatCardModule, LoadState, RuleHits],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    mat-card { margin-bottom: 16px; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
    table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
  `,
  template: `
    <div class="page">
      <stoa-load-state [loading]="verdict.loading()" [error]="verdict.error()" what="verdict" backLink="/filter/verdicts" (retry)="ngOnInit()">
        @if (verdict.value(); as v) {
          <div class="page-header"><h1>Verdict</h1></div>
          <mat-card appearance="outlined"><mat-card-content>
            <dl>
              <dt>When</dt><dd>{{ formatTime(v.at) }} ({{ v.direction }})</dd>
              <dt>Client</dt><dd>{{ v.ip ?? '—' }}@if (v.helo) { (HELO {{ v.helo }}) }</dd>
              <dt>Sender</dt><dd>{{ v.sender || '<>' }}</dd>
              <dt>Recipients</dt><dd>{{ v.recipients.join(', ') }}</dd>
              <dt>Message-ID</dt><dd class="mono">{{ v.messageId ?? '—' }}</dd>
              <dt>Subject</dt><dd>{{ v.subject }}</dd>
            </dl>
          </mat-card-content></mat-card>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Rules</mat-card-title></mat-card-header>
            <mat-card-content><stoa-rule-hits [verdict]="v" /></mat-card-content></mat-card>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Checks</mat-card-title></mat-card-header>
            <mat-card-content><div class="table-scroll">
              <table aria-label="Checks that ran">
                <thead><tr><th scope="col">Check</th><th scope="col">Stage</th><th scope="col">Time</th><th scope="col">Outcome</th></tr></thead>
                <tbody>
                  @for (c of v.checks; track $index) {
                    <tr><td class="mono">{{ c.check }}</td><td>{{ c.stage }}</td><td>{{ c.ms }} ms</td><td>{{ c.outcome }}@if (c.error) { : {{ c.error }} }</td></tr>
                  } @empty { <tr><td colspan="4" class="muted">No check recorded.</td></tr> }
                </tbody>
              </table>
            </div></mat-card-content></mat-card>
        }
      </stoa-load-state>
    </div>
  `,
})
export class VerdictDetail implements OnInit {
  readonly id = input.required<string>();
  readonly #api = inject(FilterApi);
  protected readonly formatTime = formatTime;
  protected readonly verdict = new Loaded<VerdictView>(() => this.#api.verdict(this.id()));

  async ngOnInit(): Promise<void> {
    await this.verdict.reload();
  }
}
