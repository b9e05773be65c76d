// A small SVG line chart for live series (no chart library: a few polylines
// keep the bundle small). The numbers are also given in words for screen
// readers and in the legend.
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export interface ChartSeries { label: string; color: string; points: readonly number[] }

const W = 300;
const H = 90;

@Component({
  selector: 'stoa-line-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    svg { width: 100%; height: 90px; display: block; background: var(--mat-sys-surface-container-low); border-radius: 4px; }
    .legend { display: flex; gap: 12px; flex-wrap: wrap; font-size: 12px; margin-top: 4px; }
    .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
    :host(.stale) svg { opacity: 0.45; }
  `,
  template: `
    <svg [attr.viewBox]="'0 0 ' + w + ' ' + h" preserveAspectRatio="none" role="img" [attr.aria-label]="summary()">
      @for (s of paths(); track s.label) { <polyline [attr.points]="s.d" fill="none" [attr.stroke]="s.color" stroke-width="2" vector-effect="non-scaling-stroke" /> }
    </svg>
    <div class="legend" aria-hidden="true">
      @for (s of series(); track s.label) { <span><span class="swatch" [style.background]="s.color"></span>{{ s.label }}: {{ s.points.at(-1) ?? 0 }}{{ unit() }}</span> }
    </div>
  `,
})
export class LineChart {
  readonly series = input.required<readonly ChartSeries[]>();
  readonly label = input('chart');
  readonly unit = input('');
  protected readonly w = W;
  protected readonly h = H;
  protected readonly paths = computed(() => {
    const all = this.series();
    const max = Math.max(1, ...all.flatMap((s) => s.points));
    const n = Math.max(2, ...all.map((s) => s.points.length));
    return all.map((s) => ({
      label: s.label, color: s.color,
      d: s.points.map((v, i) => `${((i + (n - s.points.length)) * W) / (n - 1)},${H - 4 - ((H - 8) * v) / max}`).join(' '),
    }));
  });
  protected readonly summary = computed(() => `${this.label()}: ${this.series().map((s) => `${s.label} ${s.points.at(-1) ?? 0}${this.unit()}`).join(', ')}`);
}
