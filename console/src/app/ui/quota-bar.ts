// Storage used against a quota, as a bar with the numbers in words (the bar
// alone says nothing to a screen reader). A quota of 0 means unlimited.
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { formatBytes } from './format';

@Component({
  selector: 'stoa-quota-bar',
  imports: [MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `:host { display: block; min-width: 120px; } .text { font-size: 12px; } .full { --mat-progress-bar-active-indicator-color: var(--mat-sys-error); }`,
  template: `
    @if (limit() > 0) {
      <mat-progress-bar mode="determinate" [value]="percent()" [class.full]="percent() >= 90" [attr.aria-label]="text()" />
    }
    <span class="text muted">{{ text() }}</span>
  `,
})
export class QuotaBar {
  readonly used = input<number | null>(null);
  readonly limit = input(0);
  protected readonly percent = computed(() => Math.min(100, this.limit() > 0 ? (100 * (this.used() ?? 0)) / this.limit() : 0));
  protected readonly text = computed(() => {
    const used = this.used();
    const usedText = used === null ? '…' : formatBytes(used);
    return this.limit() > 0 ? `${usedText} of ${formatBytes(this.limit())} (${Math.round(this.percent())} %)` : `${usedText}, no quota`;
  });
}
