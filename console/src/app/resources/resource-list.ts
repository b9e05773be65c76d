// Rooms and equipment: list, add, enable/disable, delete.
import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { ResourceCreate, type Resource } from '@shared/schemas/directory.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
import { ListFrame } from '../ui/list-frame';
import { Notifier } from '../ui/notifier';
import { PagedList } from '../ui/paged-list';
import { ResourcesApi } from './resources-api';

@Component({
  selector: 'stoa-resource-list',
  imports: [ReactiveFormsModule, MatTableModule, MatSortModule, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, MatSelectModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Resources</h1></div>
      <mat-card appearance="outlined" class="editor">
        <mat-card-header><mat-card-title>New resource</mat-card-title></mat-card-header>
        <mat-card-content>
          <form [formGroup]="form" (ngSubmit)="createResource()" novalidate aria-label="New resource">
            <div class="form-grid">
              <mat-form-field><mat-label>Address</mat-label><input matInput formControlName="address" placeholder="room-1@example.com"><mat-error>{{ errorText(form.controls.address) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Name</mat-label><input matInput formControlName="name"><mat-error>{{ errorText(form.controls.name) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Kind</mat-label><mat-select formControlName="kind"><mat-option value="room">Room</mat-option><mat-option value="equipment">Equipment</mat-option></mat-select></mat-form-field>
              <mat-form-field><mat-label>Capacity</mat-label><input matInput type="number" min="0" formControlName="capacity"><mat-error>{{ errorText(form.controls.capacity) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Location</mat-label><input matInput formControlName="location"><mat-error>{{ errorText(form.controls.location) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Booking</mat-label><mat-select formControlName="bookingPolicy">
                <mat-option value="auto-accept">Accept automatically</mat-option><mat-option value="manual">A manager decides</mat-option><mat-option value="reject">Refuse</mat-option></mat-select></mat-form-field>
            </div>
            @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
            <button mat-flat-button type="submit" [disabled]="busy()">Create resource</button>
          </form>
        </mat-card-content>
      </mat-card>
      <stoa-list-frame [list]="list" noun="resources" searchLabel="Filter by address or name">
        <table mat-table [dataSource]="list.items()" matSort (matSortChange)="sort($event)" aria-label="Resources">
          <ng-container matColumnDef="address"><th mat-header-cell *matHeaderCellDef mat-sort-header>Address</th><td mat-cell *matCellDef="let r">{{ r.address }}</td></ng-container>
          <ng-container matColumnDef="name"><th mat-header-cell *matHeaderCellDef mat-sort-header>Name</th><td mat-cell *matCellDef="let r">{{ r.name }}</td></ng-container>
          <ng-container matColumnDef="kind"><th mat-header-cell *matHeaderCellDef>Kind</th><td mat-cell *matCellDef="let r">{{ r.kind }}{{ r.capacity !== null ? ' · ' + r.capacity + ' people' : '' }}</td></ng-container>
          <ng-container matColumnDef="policy"><th mat-header-cell *matHeaderCellDef>Booking</th><td mat-cell *matCellDef="let r">{{ r.bookingPolicy }}</td></ng-container>
          <ng-container matColumnDef="state"><th mat-header-cell *matHeaderCellDef>State</th>
            <td mat-cell *matCellDef="let r"><button mat-button type="button" (click)="toggle(r)" [attr.aria-label]="(r.enabled ? 'Disable ' : 'Enable ') + r.address">{{ r.enabled ? 'Enabled' : 'Disabled' }}</button></td></ng-container>
          <ng-container matColumnDef="actions"><th mat-header-cell *matHeaderCellDef><span class="visually-hidden">Actions</span></th>
            <td mat-cell *matCellDef="let r"><button mat-button type="button" (click)="deleteResource(r)" [attr.aria-label]="'Delete ' + r.address">Delete</button></td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
  styles: `.editor { margin-bottom: 16px; }`,
})
export class ResourceList implements OnInit {
  readonly #api = inject(ResourcesApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  protected readonly errorText = errorText;
  protected readonly columns = ['address', 'name', 'kind', 'policy', 'state', 'actions'];
  protected readonly list = new PagedList<Resource>((q) => this.#api.list(q), { sort: 'address', order: 'asc' });
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    address: ['', schemaValidators(ResourceCreate, 'address')],
    name: ['', schemaValidators(ResourceCreate, 'name')],
    kind: ['room' as 'room' | 'equipment'],
    capacity: [null as number | null, schemaValidators(ResourceCreate, 'capacity')],
    location: ['', schemaValidators(ResourceCreate, 'location')],
    bookingPolicy: ['auto-accept' as 'auto-accept' | 'manual' | 'reject'],
  });

  ngOnInit(): Promise<void> {
    return this.list.reload();
  }

  protected sort(s: Sort): void {
    void this.list.setSort(s.active, s.direction);
  }

  async createResource(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const v = this.form.getRawValue();
    this.busy.set(true);
    this.formError.set(null);
    try {
      await this.#api.create({ ...v, address: v.address.trim(), capacity: v.capacity ?? null });
      this.#notify.done('Resource created');
      this.form.reset();
      await this.list.reload();
    } catch (err) {
      const p = problemFrom(err);
      const rest = applyProblem(this.form, p);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }

  async toggle(r: Resource): Promise<void> {
    try {
      await this.#api.update(r.id, { enabled: !r.enabled });
      await this.list.reload();
    } catch (err) {
      this.#notify.failed('Changing the resource', err);
    }
  }

  async deleteResource(r: Resource): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: `Delete ${r.address}?`, message: 'Bookings of this resource will no longer be answered.', action: 'Delete resource' })) return;
    try {
      await this.#api.remove(r.id);
      await this.list.reload();
    } catch (err) {
      this.#notify.failed('Deleting the resource', err);
    }
  }
}
