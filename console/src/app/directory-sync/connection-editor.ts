// A new LDAP/AD directory connection: a short name, the kind of directory
// (the attribute mapping preset), servers, bind account and base DN. Nothing
// is read from the directory until the connection is tested or synced.
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import { problemFrom } from '../core/problem';
import { applyProblem, errorText } from '../ui/form-errors';
import { Notifier } from '../ui/notifier';
import { CONNECTION_FIELD_ALIASES, connectionBody, connectionFields } from './connection-form';
import { ConnectionFields } from './connection-fields';
import { DirectorySyncApi } from './directory-sync-api';
import { KIND_LABEL } from './directory-connections';

@Component({
  selector: 'stoa-connection-editor',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, ConnectionFields],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>New directory connection</h1><a mat-stroked-button routerLink="/settings">Back to settings</a></div>
      <p class="muted">Accounts and groups of the directory become Stoa accounts and groups at the first sync; their names, state and passwords stay the directory's (docs/directory-sync.md).</p>
      <mat-card appearance="outlined"><mat-card-content>
        <form [formGroup]="form" (ngSubmit)="createConnection()" novalidate aria-label="New directory connection">
          <div class="form-grid">
            <mat-form-field><mat-label>Name</mat-label><input matInput formControlName="name" placeholder="corp-ad"><mat-hint>Lower case, digits and dashes</mat-hint><mat-error>{{ errorText(form.controls.name) }}</mat-error></mat-form-field>
            <mat-form-field><mat-label>Directory</mat-label>
              <mat-select formControlName="kind">@for (k of kinds; track k[0]) { <mat-option [value]="k[0]">{{ k[1] }}</mat-option> }</mat-select></mat-form-field>
          </div>
          <stoa-connection-fields [form]="form" />
          @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
          <button mat-flat-button type="submit" [disabled]="busy()">Create connection</button>
        </form>
      </mat-card-content></mat-card>
    </div>
  `,
})
export class ConnectionEditor {
  readonly #api = inject(DirectorySyncApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly kinds = Object.entries(KIND_LABEL);
  protected readonly form = connectionFields(this.#fb);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);

  async createConnection(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const { name, kind } = this.form.getRawValue();
    this.busy.set(true);
    this.formError.set(null);
    try {
      const created = await this.#api.create({ name: name.trim(), kind, ...connectionBody(this.form) });
      this.#notify.done(`Directory connection ${created.name} created: test it, then sync`);
      await this.#router.navigate(['/directory-sync', created.id]);
    } catch (err) {
      const rest = applyProblem(this.form, problemFrom(err), CONNECTION_FIELD_ALIASES);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }
}
