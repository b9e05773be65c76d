// The rules a verdict fired, with score and meaning: shared by the held
// message and the verdict pages ("why was this filed in Junk").
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { VerdictView } from './filter-api';

@Component({
  selector: 'stoa-rule-hits',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); vertical-align: top; }
    td.score { text-align: right; font-variant-numeric: tabular-nums; }
  `,
  template: `
    @if (verdict(); as v) {
      <p>Score <strong>{{ v.score }}</strong>, action <strong>{{ v.action }}</strong>: {{ v.reason }}</p>
      <div class="table-scroll">
        <table aria-label="Rules that fired">
          <thead><tr><th scope="col">Rule</th><th scope="col">Score</th><th scope="col">Meaning</th><th scope="col">Detail</th></tr></thead>
          <tbody>
            @for (r of v.rules; track $index) {
              <tr><td class="mono">{{ r.rule }}</td><td class="score">{{ r.score }}</td><td>{{ r.description ?? '' }}</td><td>{{ r.detail ?? '' }}</td></tr>
            } @empty { <tr><td colspan="4" class="muted">No rule fired.</td></tr> }
          </tbody>
        </table>
      </div>
    }
  `,
})
export class RuleHits {
  readonly verdict = input<VerdictView | null>(null);
}
