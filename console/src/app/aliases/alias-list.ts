// Aliases (and the catch-all *@domain): list, add, change targets, delete.
import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute } from '@angular/router';
import { EmailAddress } from '@shared/schemas/common.ts';
import { AliasCreate, type Alias } from '@shared/schemas/directory.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { addressListValidator, applyProblem, errorText, schemaValidators, splitList } from '../ui/form-errors';
import { ListFrame } from '../ui/list-frame';
import { Notifier } from '../ui/notifier';
import { PagedList } from '../ui/paged-list';
import { AliasesApi } from './aliases-api';

const EMAIL_PATTERN = (EmailAddress as unknown as { pattern: string }).pattern;

@Component({
  selector: 'stoa-alias-list',
  imports: [ReactiveFormsModule, MatTableModule, MatSortModule, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Aliases</h1></div>
      <mat-card appearance="outlined" class="editor">
        <mat-card-header><mat-card-title>{{ editing() ? 'Change ' + editing()!.address : 'New alias' }}</mat-card-title></mat-card-header>
        <mat-card-content>
          <form [formGroup]="form" (ngSubmit)="saveAlias()" novalidate aria-label="Alias">
            <div class="form-grid">
              <mat-form-field><mat-label>Address</mat-label><input matInput formControlName="address" placeholder="sales@example.com or *@example.com">
                <mat-error>{{ errorText(form.controls.address) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Description</mat-label><input matInput formControlName="description"><mat-error>{{ errorText(form.controls.description) }}</mat-error></mat-form-field>
            </div>
            <mat-form-field class="full-width"><mat-label>Deliver to</mat-label><textarea matInput formControlName="targets" rows="2" placeholder="one address per line"></textarea>
              <mat-error>{{ errorText(form.controls.targets) }}</mat-error></mat-form-field>
            @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
            <button mat-flat-button type="submit" [disabled]="busy()">{{ editing() ? 'Save alias' : 'Create alias' }}</button>
            @if (editing()) { <button mat-button type="button" (click)="cancelEdit()">Cancel</button> }
          </form>
        </mat-card-content>
      </mat-card>
      <stoa-list-frame [list]="list" noun="aliases" searchLabel="Filter by address">
        <table mat-table [dataSource]="list.items()" matSort (matSortChange)="sort($event)" aria-label="Aliases">
          <ng-container matColumnDef="address"><th mat-header-cell *matHeaderCellDef mat-sort-header>Address</th><td mat-cell *matCellDef="let a">{{ a.address }}@if (a.source) { <span class="muted"> · from the directory</span> }</td></ng-container>
          <ng-container matColumnDef="targets"><th mat-header-cell *matHeaderCellDef>Delivers to</th><td mat-cell *matCellDef="let a">{{ a.targets.join(', ') }}</td></ng-container>
          <ng-container matColumnDef="description"><th mat-header-cell *matHeaderCellDef>Description</th><td mat-cell *matCellDef="let a">{{ a.description }}</td></ng-container>
          <ng-container matColumnDef="actions"><th mat-header-cell *matHeaderCellDef><span class="visually-hidden">Actions</span></th>
            <td mat-cell *matCellDef="let a"><button mat-button type="button" (click)="edit(a)" [attr.aria-label]="'Change ' + a.address">Change</button>
              @if (!a.source) { <button mat-button type="button" (click)="deleteAlias(a)" [attr.aria-label]="'Delete ' + a.address">Delete</button> }</td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
  styles: `.editor { margin-bottom: 16px; }`,
})
export class AliasList implements OnInit {
  readonly #api = inject(AliasesApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly errorText = errorText;
  protected readonly columns = ['address', 'targets', 'description', 'actions'];
  protected readonly list = new PagedList<Alias>((q) => this.#api.list(q), { sort: 'address', order: 'asc', q: inject(ActivatedRoute).snapshot.queryParamMap.get('q') ?? '' });
  protected readonly editing = signal<Alias | null>(null);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    address: ['', schemaValidators(AliasCreate, 'address')],
    targets: ['', [addressListValidator(EMAIL_PATTERN, 1000)]],
    description: ['', schemaValidators(AliasCreate, 'description')],
  });

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }

  protected sort(s: Sort): void {
    void this.list.setSort(s.active, s.direction);
  }

  edit(a: Alias): void {
    this.editing.set(a);
    this.form.reset({ address: a.address, targets: a.targets.join('\n'), description: a.description });
    this.form.controls.address.disable();
    // A directory alias's targets are the directory's (docs/directory-sync.md); its description is local.
    if (a.source) this.form.controls.targets.disable();
  }

  cancelEdit(): void {
    this.editing.set(null);
    this.form.controls.address.enable();
    this.form.controls.targets.enable();
    this.form.reset();
  }

  async saveAlias(): Promise<void> {
    this.form.markAllAsTouched();
    const v = this.form.getRawValue();
    const targets = splitList(v.targets);
    if (targets.length === 0) this.form.controls.targets.setErrors({ server: 'At least one address' });
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const editing = this.editing();
      if (editing) await this.#api.update(editing.id, editing.source ? { description: v.description } : { targets, description: v.description });
      else await this.#api.create({ address: v.address.trim(), targets, ...(v.description ? { description: v.description } : {}) });
      this.#notify.done(editing ? 'Alias saved' : 'Alias created');
      this.cancelEdit();
      await this.list.reload();
    } catch (err) {
      const p = problemFrom(err);
      const rest = applyProblem(this.form, p);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }

  async deleteAlias(a: Alias): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: `Delete ${a.address}?`, message: 'Mail to this address will be refused.', action: 'Delete alias' })) return;
    try {
      await this.#api.remove(a.id);
      this.#notify.done('Alias deleted');
      await this.list.reload();
    } catch (err) {
      this.#notify.failed('Deleting the alias', err);
    }
  }
}
