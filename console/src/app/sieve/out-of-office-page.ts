// An out-of-office reply, as Exchange users know it: on or off, an optional
// window in time, one message for colleagues (the account's own domain) and
// one for everyone else, at most one reply per sender every few days
// (RFC 5230 :days). An admin sets it for a user of their domains (leavers,
// long absences) at /sieve/accounts/:id/out-of-office; /sieve/my/out-of-office
// is the signed-in admin's own. The server keeps it as a generated Sieve
// script and checks the window again (end after start).
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import { OutOfOffice } from '@shared/schemas/sieve.ts';
import { problemFrom } from '../core/problem';
import { applyProblem, errorText } from '../ui/form-errors';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { fromLocalInput, toLocalInput } from './local-time';
import { SieveApi, type OutOfOfficeState, type OutOfOfficeTarget } from './sieve-api';

type Props = Record<string, { maxLength?: number; minimum?: number; maximum?: number; properties?: Props }>;
const P = (OutOfOffice as unknown as { properties: Props }).properties;
const SUBJECT_MAX = P['internal'].properties!['subject'].maxLength!;
const MESSAGE_MAX = P['internal'].properties!['message'].maxLength!;
const DAYS = P['replyIntervalDays'];

@Component({
  selector: 'stoa-out-of-office-page',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `mat-card { margin-bottom: 16px; } h2 { font: var(--mat-sys-title-medium); margin: 16px 0 4px; } .actions { display: flex; gap: 8px; align-items: center; }`,
  template: `
    <div class="page">
      <div class="page-header">
        <h1>{{ mine() ? 'My out of office' : 'Out of office' }}</h1>
        @if (!mine()) { <a mat-stroked-button [routerLink]="['/accounts', id()]">Back to the account</a> }
      </div>
      @if (!mine()) { <p class="muted" data-testid="ooo-account">For {{ address() ?? '…' }}</p> }
      <stoa-load-state [loading]="state.loading()" [error]="state.error()" what="account" backLink="/accounts" (retry)="ngOnInit()">
        <mat-card appearance="outlined"><mat-card-content>
          <form [formGroup]="form" (ngSubmit)="saveOutOfOffice()" novalidate aria-label="Out of office">
            <mat-checkbox formControlName="enabled">Send automatic replies</mat-checkbox>
            <div class="form-grid">
              <mat-form-field><mat-label>From</mat-label><input matInput type="datetime-local" formControlName="start">
                <mat-hint>Empty: as soon as it is on</mat-hint><mat-error>{{ errorText(form.controls.start) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Until</mat-label><input matInput type="datetime-local" formControlName="end">
                <mat-hint>Empty: until it is turned off</mat-hint><mat-error>{{ errorText(form.controls.end) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Reply to each sender once every (days)</mat-label><input matInput type="number" formControlName="replyIntervalDays">
                <mat-error>{{ errorText(form.controls.replyIntervalDays) }}</mat-error></mat-form-field>
            </div>
            <h2>To colleagues</h2>
            <mat-form-field class="full-width"><mat-label>Subject to colleagues</mat-label><input matInput formControlName="internalSubject">
              <mat-error>{{ errorText(form.controls.internalSubject) }}</mat-error></mat-form-field>
            <mat-form-field class="full-width"><mat-label>Message to colleagues</mat-label><textarea matInput rows="5" formControlName="internalMessage"></textarea>
              <mat-error>{{ errorText(form.controls.internalMessage) }}</mat-error></mat-form-field>
            <h2>To everyone else</h2>
            <mat-checkbox formControlName="externalEnabled">Also reply to senders outside the organisation</mat-checkbox>
            @if (form.controls.externalEnabled.value) {
              <mat-form-field class="full-width"><mat-label>Subject to others</mat-label><input matInput formControlName="externalSubject">
                <mat-error>{{ errorText(form.controls.externalSubject) }}</mat-error></mat-form-field>
              <mat-form-field class="full-width"><mat-label>Message to others</mat-label><textarea matInput rows="5" formControlName="externalMessage"></textarea>
                <mat-error>{{ errorText(form.controls.externalMessage) }}</mat-error></mat-form-field>
            }
            @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
            <div class="actions">
              <button mat-flat-button type="submit" [disabled]="busy()">Save</button>
              @if (script(); as s) { <span class="muted" role="status">Kept as the Sieve script "{{ s.name }}"{{ s.active ? ' (active)' : '' }}</span> }
            </div>
          </form>
        </mat-card-content></mat-card>
      </stoa-load-state>
    </div>
  `,
})
export class OutOfOfficePage implements OnInit {
  /** Route parameter on /sieve/accounts/:id/out-of-office: an account id or address. */
  readonly id = input<string>('');
  /** Route data on /sieve/my/out-of-office. */
  readonly mine = input(false);
  readonly #api = inject(SieveApi);
  readonly #notify = inject(Notifier);
  protected readonly errorText = errorText;
  protected readonly target = computed<OutOfOfficeTarget>(() => (this.mine() ? 'mine' : { account: this.id() }));
  protected readonly state = new Loaded<OutOfOfficeState>(() => this.#api.outOfOffice(this.target()));
  protected readonly script = computed(() => this.state.value()?.script ?? null);
  protected readonly address = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);

  protected readonly form = inject(NonNullableFormBuilder).group({
    enabled: [false],
    start: [''],
    end: [''],
    replyIntervalDays: [7, [Validators.required, Validators.min(DAYS.minimum ?? 1), Validators.max(DAYS.maximum ?? 90)]],
    internalSubject: ['', [Validators.maxLength(SUBJECT_MAX)]],
    internalMessage: ['', [Validators.maxLength(MESSAGE_MAX)]],
    externalEnabled: [false],
    externalSubject: ['', [Validators.maxLength(SUBJECT_MAX)]],
    externalMessage: ['', [Validators.maxLength(MESSAGE_MAX)]],
  });

  async ngOnInit(): Promise<void> {
    if (!this.mine()) this.#api.account(this.id()).then((a) => this.address.set(a.address), () => this.address.set(this.id()));
    const v = await this.state.reload();
    if (!v) return;
    this.form.reset({
      enabled: v.enabled, start: toLocalInput(v.start), end: toLocalInput(v.end), replyIntervalDays: v.replyIntervalDays,
      internalSubject: v.internal.subject, internalMessage: v.internal.message,
      externalEnabled: v.external.enabled, externalSubject: v.external.subject, externalMessage: v.external.message,
    });
  }

  async saveOutOfOffice(): Promise<void> {
    this.form.markAllAsTouched();
    const v = this.form.getRawValue();
    const start = fromLocalInput(v.start);
    const end = fromLocalInput(v.end);
    if (start === undefined) this.form.controls.start.setErrors({ server: 'Not a date and time' });
    if (end === undefined) this.form.controls.end.setErrors({ server: 'Not a date and time' });
    if (this.form.invalid || start === undefined || end === undefined || this.busy()) return;
    // The window must end after it starts (the server checks it too, and names `end`).
    if (start !== null && end !== null && end <= start) {
      this.form.controls.end.setErrors({ server: 'Must come after the start' });
      return;
    }
    if (v.enabled && !v.internalMessage.trim()) {
      this.form.controls.internalMessage.setErrors({ server: 'Write the reply colleagues get' });
      return;
    }
    this.busy.set(true);
    this.formError.set(null);
    try {
      const saved = await this.#api.setOutOfOffice(this.target(), {
        enabled: v.enabled, start, end, replyIntervalDays: Number(v.replyIntervalDays),
        internal: { subject: v.internalSubject, message: v.internalMessage },
        external: { enabled: v.externalEnabled, subject: v.externalSubject, message: v.externalMessage },
      });
      this.state.value.set(saved);
      this.#notify.done(saved.enabled ? 'Out-of-office replies are on' : 'Out-of-office saved (off)');
    } catch (err) {
      const rest = applyProblem(this.form, problemFrom(err), { internal: 'internalMessage', external: 'externalMessage' });
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }
}
