// A read-only table of configuration keys, values and what they mean.
import { ChangeDetectionStrategy, Component, input } from '@angular/core';

@Component({
  selector: 'stoa-setting-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="table-scroll"><table [attr.aria-label]="label()">
      <thead><tr><th>Setting</th><th>Value</th><th>Key</th></tr></thead>
      <tbody>@for (s of settings(); track s.key) { <tr><td>{{ s.description }}</td><td class="mono">{{ s.value }}</td><td class="mono muted">{{ s.key }}</td></tr> }</tbody>
    </table></div>
  `,
  styles: `table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }`,
})
export class SettingTable {
  readonly settings = input.required<ReadonlyArray<{ key: string; value: string; description: string }>>();
  readonly label = input('Settings');
}
