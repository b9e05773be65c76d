// A domain's Sieve settings: the global script run before every user's own
// rules (RFC 6609 "global" scripts; empty for none), and whether users'
// rules may forward or redirect outside the server. A script that does not
// compile is refused by the server with its line and column, shown under
// the script.
import { ChangeDetectionStrategy, Component, type OnInit, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import type { DomainSieve } from '@shared/schemas/sieve.ts';
import { problemFrom } from '../core/problem';
import { applyProblem, errorText } from '../ui/form-errors';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { SieveApi } from './sieve-api';

const MAX_SCRIPT = 1024 * 1024;

@Component({
  selector: 'stoa-domain-sieve-page',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `textarea.script { font-family: ui-monospace, monospace; } .actions { display: flex; gap: 8px; }`,
  template: `
    <div class="page">
      <div class="page-header"><h1>Sieve for {{ id() }}</h1><a mat-stroked-button [routerLink]="['/domains', id()]">Back to the domain</a></div>
      <stoa-load-state [loading]="state.loading()" [error]="state.error()" what="domain" backLink="/domains" (retry)="ngOnInit()">
        <mat-card appearance="outlined"><mat-card-content>
          <form [formGroup]="form" (ngSubmit)="saveDomainSieve()" novalidate aria-label="Domain Sieve settings">
            <p class="muted">Runs before each user's own rules for every message to this domain (Sieve, RFC 5228; leave empty for none).</p>
            <mat-form-field class="full-width"><mat-label>Global script</mat-label>
              <textarea matInput class="script" rows="14" formControlName="script" spellcheck="false" data-testid="domain-script"
                placeholder='require "fileinto";&#10;if header :contains "subject" "[newsletter]" { fileinto "Newsletters"; }'></textarea>
              <mat-error>{{ errorText(form.controls.script) }}</mat-error></mat-form-field>
            <mat-checkbox formControlName="allowExternalRedirect">Users' rules may forward and redirect to addresses outside this server</mat-checkbox>
            @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
            <div class="actions"><button mat-flat-button type="submit" [disabled]="busy()">Save</button></div>
          </form>
        </mat-card-content></mat-card>
      </stoa-load-state>
    </div>
  `,
})
export class DomainSievePage implements OnInit {
  /** Route parameter: the domain's id or name. */
  readonly id = input.required<string>();
  readonly #api = inject(SieveApi);
  readonly #notify = inject(Notifier);
  protected readonly errorText = errorText;
  protected readonly state = new Loaded<DomainSieve>(() => this.#api.domainSieve(this.id()));
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    script: ['', [Validators.maxLength(MAX_SCRIPT)]],
    allowExternalRedirect: [false],
  });

  async ngOnInit(): Promise<void> {
    const v = await this.state.reload();
    if (v) this.form.reset({ script: v.script ?? '', allowExternalRedirect: v.allowExternalRedirect });
  }

  async saveDomainSieve(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const v = this.form.getRawValue();
    this.busy.set(true);
    this.formError.set(null);
    try {
      const saved = await this.#api.setDomainSieve(this.id(), { script: v.script.trim() ? v.script : null, allowExternalRedirect: v.allowExternalRedirect });
      this.state.value.set(saved);
      this.#notify.done(saved.script === null ? 'The domain has no global script' : 'Global script saved');
    } catch (err) {
      const p = problemFrom(err);
      // A script that does not compile (line and column in the detail) or is too large belongs under the script.
      if (p.code === 'STOA_SIEVE_INVALID' || p.code === 'STOA_SIEVE_QUOTA') {
        this.form.controls.script.setErrors({ server: p.detail ?? p.title });
        this.form.controls.script.markAsTouched();
      } else {
        const rest = applyProblem(this.form, p);
        this.formError.set(rest.length ? rest.join(' — ') : null);
      }
    } finally {
      this.busy.set(false);
    }
  }
}
