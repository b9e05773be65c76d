// Sign-in with the admin API's session cookie. Says why the user is here
// (signed out, session expired, not an administrator) and shows the
// server's answer (wrong password, throttled with the wait) in the form.
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, Router } from '@angular/router';
import { toSignal } from '@angular/core/rxjs-interop';
import { problemFrom } from '../core/problem';
import { SessionStore } from '../core/session';

const REASONS: Record<string, string> = {
  'signed-out': 'You have signed out.',
  // A password change ends every other session of the account at once (AccountService), so a user whose
  // password an administrator reset lands here mid-work: the message names that cause too.
  expired: 'Your session has ended: it expired, was signed out elsewhere, or your password was changed (a new password signs out every other session). Sign in again to continue.',
  'not-admin': 'This console is for administrators.',
  unreachable: 'The server could not be reached. Try again.',
};

@Component({
  selector: 'stoa-sign-in',
  imports: [ReactiveFormsModule, MatCardModule, MatFormFieldModule, MatInputModule, MatButtonModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host { display: grid; place-items: center; min-height: 100vh; padding: 16px; box-sizing: border-box; }
    mat-card { width: min(420px, 100%); }
    h1 { font: var(--mat-sys-headline-small); margin: 0 0 4px; }
    form { display: grid; gap: 4px; margin-top: 16px; }
    .notice { margin: 8px 0 0; }
  `,
  template: `
    <mat-card appearance="outlined">
      <mat-card-content>
        <h1>Stoa console</h1>
        <p class="muted">Sign in with an administrator account.</p>
        @if (reasonText(); as text) { <p class="notice" role="status">{{ text }}</p> }
        <form [formGroup]="form" (ngSubmit)="signIn()" novalidate>
          <mat-form-field>
            <mat-label>Login</mat-label>
            <input matInput formControlName="username" autocomplete="username" required autofocus>
            @if (form.controls.username.hasError('required')) { <mat-error>Enter your login</mat-error> }
          </mat-form-field>
          <mat-form-field>
            <mat-label>Password</mat-label>
            <input matInput type="password" formControlName="password" autocomplete="current-password" required>
            @if (form.controls.password.hasError('required')) { <mat-error>Enter your password</mat-error> }
          </mat-form-field>
          @if (error(); as e) { <p class="error-text" role="alert" id="sign-in-error">{{ e }}</p> }
          @if (busy()) { <mat-progress-bar mode="indeterminate" aria-label="Signing in" /> }
          <button mat-flat-button type="submit" [disabled]="busy()">Sign in</button>
        </form>
      </mat-card-content>
    </mat-card>
  `,
})
export class SignIn {
  readonly #session = inject(SessionStore);
  readonly #router = inject(Router);
  readonly #query = toSignal(inject(ActivatedRoute).queryParamMap);
  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', [Validators.required, Validators.maxLength(320)]],
    password: ['', [Validators.required, Validators.maxLength(1024)]],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly reasonText = computed(() => REASONS[this.#query()?.get('reason') ?? ''] ?? null);

  async signIn(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const { username, password } = this.form.getRawValue();
      await this.#session.signIn(username.trim(), password);
      const target = this.#query()?.get('returnUrl');
      await this.#router.navigateByUrl(target && target.startsWith('/') && !target.startsWith('//') ? target : '/dashboard');
    } catch (err) {
      const p = problemFrom(err);
      this.error.set(p.code === 'STOA_AUTH_FAILED' ? 'Wrong login or password.'
        : p.code === 'STOA_AUTH_THROTTLED' ? `Too many failed attempts. Wait ${p.retryAfterSeconds ?? 'a few'} seconds and try again.`
          : p.summary);
      this.form.controls.password.reset();
    } finally {
      this.busy.set(false);
    }
  }
}
