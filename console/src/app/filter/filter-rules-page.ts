// The filter as configured: thresholds, the checks in the order they run
// (with timeout and failure policy), and every scored rule with its
// meaning. Read-only: the filter is set in the configuration file
// (docs/filtering.md).
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, signal } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { FilterApi, type FilterRules } from './filter-api';

@Component({
  selector: 'stoa-filter-rules-page',
  imports: [MatCardModule, MatFormFieldModule, MatInputModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    mat-card { margin-bottom: 16px; }
    table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); vertical-align: top; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
  `,
  template: `
    <div class="page">
      <div class="page-header"><h1>Filter rules</h1></div>
      <p class="muted">Read-only: the filter is configured in the configuration file (filter.*), see docs/filtering.md.</p>
      <stoa-load-state [loading]="rules.loading()" [error]="rules.error()" what="filter rules" (retry)="ngOnInit()">
        @if (rules.value(); as r) {
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Thresholds</mat-card-title></mat-card-header>
            <mat-card-content><p data-testid="thresholds">Tag at {{ r.thresholds.tag }}, Junk at {{ r.thresholds.junk }}, quarantine at {{ r.thresholds.quarantine }}, reject at {{ r.thresholds.reject }}.</p></mat-card-content></mat-card>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Checks, in run order</mat-card-title></mat-card-header>
            <mat-card-content><div class="table-scroll"><table aria-label="Checks">
              <thead><tr><th scope="col">Check</th><th scope="col">Stage</th><th scope="col">Directions</th><th scope="col">Timeout</th><th scope="col">On error</th></tr></thead>
              <tbody>@for (c of r.checks; track c.name + c.stage) {
                <tr><td class="mono">{{ c.name }}</td><td>{{ c.stage }}</td><td>{{ c.directions.join(', ') }}</td><td class="num">{{ c.timeoutMs }} ms</td><td>{{ c.onError }}</td></tr>
              }</tbody>
            </table></div></mat-card-content></mat-card>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Rules</mat-card-title></mat-card-header>
            <mat-card-content>
              <mat-form-field subscriptSizing="dynamic"><mat-label>Find a rule</mat-label>
                <input matInput type="search" (input)="find.set($any($event.target).value)"></mat-form-field>
              <div class="table-scroll"><table aria-label="Scored rules">
                <thead><tr><th scope="col">Rule</th><th scope="col">Score</th><th scope="col">Meaning</th></tr></thead>
                <tbody>@for (rule of shownRules(); track rule.rule) {
                  <tr><td class="mono">{{ rule.rule }}</td><td class="num">{{ rule.score }}</td><td>{{ rule.description }}</td></tr>
                } @empty { <tr><td colspan="3" class="muted">No rule matches.</td></tr> }</tbody>
              </table></div>
            </mat-card-content></mat-card>
        }
      </stoa-load-state>
    </div>
  `,
})
export class FilterRulesPage implements OnInit {
  readonly #api = inject(FilterApi);
  protected readonly rules = new Loaded<FilterRules>(() => this.#api.rules());
  protected readonly find = signal('');
  protected readonly shownRules = computed(() => {
    const needle = this.find().trim().toLowerCase();
    const items = this.rules.value()?.items ?? [];
    return needle ? items.filter((r) => r.rule.toLowerCase().includes(needle) || r.description.toLowerCase().includes(needle)) : items;
  });

  async ngOnInit(): Promise<void> {
    await this.rules.reload();
  }
}
