// CSV import of accounts: check first (dry run: every row validated by the
// server, nothing created), then import. A file with any invalid row creates
// nothing; the report shows each problem with its line and field.
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { AccountImportReport } from '@shared/schemas/bulk.ts';
import { problemFrom } from '../core/problem';
import { AccountsApi } from './accounts-api';

export const CSV_EXAMPLE = 'address,displayName,password,quotaBytes,enabled\njane@example.com,Jane Doe,change-me-please,5 GiB,yes\n';

@Component({
  selector: 'stoa-account-import',
  imports: [FormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './account-import.html',
  styles: `
    textarea { font-family: ui-monospace, monospace; }
    table.report { border-collapse: collapse; width: 100%; } table.report th, table.report td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .invalid { color: #8a1c1c; } .actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
  `,
})
export class AccountImport {
  readonly #api = inject(AccountsApi);
  protected readonly example = CSV_EXAMPLE;
  protected readonly csv = signal('');
  protected readonly busy = signal(false);
  protected readonly report = signal<AccountImportReport | null>(null);
  protected readonly error = signal<string | null>(null);
  /** The text the last dry run checked: importing needs a clean dry run of exactly this text. */
  protected readonly checkedText = signal<string | null>(null);
  protected readonly canImport = computed(() => {
    const r = this.report();
    return r !== null && r.dryRun && r.invalid === 0 && r.total > 0 && this.checkedText() === this.csv();
  });
  protected readonly shownRows = computed(() => {
    const r = this.report();
    if (!r) return [];
    const bad = r.rows.filter((row) => row.errors.length > 0);
    return bad.length > 0 ? bad.slice(0, 500) : r.rows.slice(0, 200);
  });

  async readFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > 8 * 1024 * 1024) {
      this.error.set('The file is larger than 8 MiB; split it.');
      return;
    }
    this.csv.set(await file.text());
    this.report.set(null);
  }

  checkCsv(): Promise<void> {
    return this.#run(true);
  }

  importCsv(): Promise<void> {
    return this.#run(false);
  }

  async #run(dryRun: boolean): Promise<void> {
    const text = this.csv();
    if (!text.trim() || this.busy()) {
      this.error.set(text.trim() ? null : 'Paste CSV text or choose a file first.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const report = await this.#api.importCsv(text, dryRun);
      this.report.set(report);
      this.checkedText.set(dryRun ? text : null);
    } catch (err) {
      const p = problemFrom(err);
      this.error.set(p.fields.get('csv') ?? p.summary);
      this.report.set(null);
    } finally {
      this.busy.set(false);
    }
  }
}
