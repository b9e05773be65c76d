// One directory connection: the state of its last sync, the connection test
// (bind, users and groups found, sample entries), a sync now (full or
// incremental, or a dry run that changes nothing) with its report, the sync
// history, its settings and its removal.
import { ChangeDetectionStrategy, Component, type OnInit, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import type { DirectoryConnection, DirectoryTestResult, SyncRun } from '@shared/schemas/directory-sync.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { applyProblem, errorText } from '../ui/form-errors';
import { formatTime } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { CONNECTION_FIELD_ALIASES, connectionBody, connectionFields, fillConnection } from './connection-form';
import { ConnectionFields } from './connection-fields';
import { KIND_LABEL, syncState } from './directory-connections';
import { DirectorySyncApi } from './directory-sync-api';

const RUNS_PER_PAGE = 20;
const COUNT_KEYS = ['create', 'change', 'disable', 'enable', 'missing', 'return', 'skip', 'error'] as const;

@Component({
  selector: 'stoa-connection-page',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatSelectModule, MatProgressBarModule, LoadState, ConnectionFields],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './connection-page.html',
  styles: `mat-card { margin-bottom: 16px; } .row { display: flex; gap: 8px 16px; align-items: baseline; flex-wrap: wrap; } dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; } .ok { color: #1b6e2a; } .bad { color: var(--mat-sys-error); }`,
})
export class ConnectionPage implements OnInit {
  /** Route parameter: the connection's id or name. */
  readonly id = input.required<string>();
  readonly #api = inject(DirectorySyncApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly formatTime = formatTime;
  protected readonly kindLabel = KIND_LABEL;
  protected readonly syncState = syncState;
  protected readonly countKeys = COUNT_KEYS;
  protected readonly connection = new Loaded<DirectoryConnection>(() => this.#api.get(this.id()));
  protected readonly test = signal<DirectoryTestResult | null>(null);
  protected readonly run = signal<SyncRun | null>(null);
  protected readonly runs = signal<SyncRun[]>([]);
  protected readonly runsTotal = signal(0);
  protected readonly working = signal<'test' | 'sync' | null>(null);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = connectionFields(this.#fb);
  protected readonly syncForm = this.#fb.group({ mode: ['full' as 'full' | 'incremental'], dryRun: [true] });

  async ngOnInit(): Promise<void> {
    const c = await this.connection.reload();
    if (!c) return;
    fillConnection(this.form, c);
    this.form.controls.name.disable();
    this.form.controls.kind.disable();
    await this.loadRuns(0);
  }

  async loadRuns(offset: number): Promise<void> {
    const c = this.connection.value();
    if (!c) return;
    try {
      const page = await this.#api.runs(c.id, offset, RUNS_PER_PAGE);
      this.runs.update((list) => (offset === 0 ? page.items : [...list, ...page.items]));
      this.runsTotal.set(page.total);
    } catch (err) {
      this.#notify.failed('Loading the sync history', err);
    }
  }

  async testConnection(): Promise<void> {
    const c = this.connection.value();
    if (!c || this.working()) return;
    this.working.set('test');
    this.test.set(null);
    try {
      this.test.set(await this.#api.test(c.id));
    } catch (err) {
      this.#notify.failed('Testing the connection', err);
    } finally {
      this.working.set(null);
    }
  }

  async syncNow(): Promise<void> {
    const c = this.connection.value();
    if (!c || this.working()) return;
    const { mode, dryRun } = this.syncForm.getRawValue();
    if (!dryRun && !await confirmAction(this.#dialog, {
      title: `Sync ${c.name} now?`, action: 'Sync',
      message: 'Accounts and groups are created, changed, disabled or marked missing as the directory says. A dry run first shows what would change.',
    })) return;
    this.working.set('sync');
    this.run.set(null);
    try {
      this.run.set(await this.#api.sync(c.id, { mode, dryRun }));
      await Promise.all([this.connection.reload(), this.loadRuns(0)]);
    } catch (err) {
      this.#notify.failed(dryRun ? 'The dry run' : 'The sync', err);
    } finally {
      this.working.set(null);
    }
  }

  async saveConnection(): Promise<void> {
    const c = this.connection.value();
    this.form.markAllAsTouched();
    if (!c || this.form.invalid) return;
    this.formError.set(null);
    try {
      const saved = await this.#api.update(c.id, connectionBody(this.form));
      this.connection.value.set(saved);
      fillConnection(this.form, saved);
      this.#notify.done('Connection saved');
    } catch (err) {
      const rest = applyProblem(this.form, problemFrom(err), CONNECTION_FIELD_ALIASES);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    }
  }

  async deleteConnection(): Promise<void> {
    const c = this.connection.value();
    if (!c || !await confirmAction(this.#dialog, {
      title: `Remove the connection ${c.name}?`, action: 'Remove',
      message: 'Only a connection no account, group or alias is linked to can be removed: detach or delete those first.',
    })) return;
    try {
      await this.#api.remove(c.id);
      this.#notify.done(`Connection ${c.name} removed`);
      await this.#router.navigate(['/settings']);
    } catch (err) {
      this.#notify.failed('Removing the connection', err);
    }
  }

  protected totalChanges(r: SyncRun): number {
    return COUNT_KEYS.reduce((n, k) => n + r.counts[k], 0);
  }

  protected countsText(r: SyncRun): string {
    return COUNT_KEYS.filter((k) => r.counts[k] > 0).map((k) => `${r.counts[k]} ${k}`).join(', ') || 'no changes';
  }
}
