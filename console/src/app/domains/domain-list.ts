// Domains: server-paged list with storage per domain, and (for server
// admins) a form to add one. Domain admins see only their domains.
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { DomainCreate, type Domain } from '@shared/schemas/directory.ts';
import { problemFrom } from '../core/problem';
import { SessionStore } from '../core/session';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
import { formatBytes } from '../ui/format';
import { ListFrame } from '../ui/list-frame';
import { Notifier } from '../ui/notifier';
import { PagedList } from '../ui/paged-list';
import { DomainsApi } from './domains-api';

@Component({
  selector: 'stoa-domain-list',
  imports: [ReactiveFormsModule, RouterLink, MatTableModule, MatSortModule, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Domains</h1>
        @if (session.isServerAdmin()) { <button mat-flat-button type="button" (click)="showCreate.set(!showCreate())" [attr.aria-expanded]="showCreate()">Add domain</button> }
      </div>
      @if (showCreate()) {
        <mat-card appearance="outlined" class="create">
          <mat-card-content>
            <form [formGroup]="form" (ngSubmit)="createDomain()" novalidate aria-label="New domain">
              <div class="form-grid">
                <mat-form-field><mat-label>Domain name</mat-label><input matInput formControlName="name" placeholder="example.com" required>
                  <mat-error>{{ errorText(form.controls.name) }}</mat-error></mat-form-field>
                <mat-form-field><mat-label>Description</mat-label><input matInput formControlName="description">
                  <mat-error>{{ errorText(form.controls.description) }}</mat-error></mat-form-field>
                <mat-form-field><mat-label>Alias of (optional)</mat-label><input matInput formControlName="aliasOf" placeholder="example.org">
                  <mat-hint>Mail to this domain goes to the same names in that domain</mat-hint>
                  <mat-error>{{ errorText(form.controls.aliasOf) }}</mat-error></mat-form-field>
              </div>
              @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
              <button mat-flat-button type="submit" [disabled]="busy()">Create domain</button>
            </form>
          </mat-card-content>
        </mat-card>
      }
      <stoa-list-frame [list]="list" noun="domains" searchLabel="Filter by name">
        <table mat-table [dataSource]="list.items()" matSort (matSortChange)="sort($event)" aria-label="Domains">
          <ng-container matColumnDef="name"><th mat-header-cell *matHeaderCellDef mat-sort-header>Name</th>
            <td mat-cell *matCellDef="let d"><a [routerLink]="['/domains', d.name]">{{ d.unicodeName }}</a>@if (d.name !== d.unicodeName) { <span class="muted"> ({{ d.name }})</span> }</td></ng-container>
          <ng-container matColumnDef="state"><th mat-header-cell *matHeaderCellDef>State</th>
            <td mat-cell *matCellDef="let d">{{ d.enabled ? 'Enabled' : 'Disabled' }}@if (d.aliasOf) { · alias }</td></ng-container>
          <ng-container matColumnDef="storage"><th mat-header-cell *matHeaderCellDef>Storage</th>
            <td mat-cell *matCellDef="let d">{{ storageOf(d) }}</td></ng-container>
          <ng-container matColumnDef="description"><th mat-header-cell *matHeaderCellDef>Description</th>
            <td mat-cell *matCellDef="let d">{{ d.description }}</td></ng-container>
          <ng-container matColumnDef="createdAt"><th mat-header-cell *matHeaderCellDef mat-sort-header>Created</th>
            <td mat-cell *matCellDef="let d">{{ d.createdAt.slice(0, 10) }}</td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
  styles: `.create { margin-bottom: 16px; }`,
})
export class DomainList implements OnInit {
  readonly #api = inject(DomainsApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  protected readonly session = inject(SessionStore);
  protected readonly errorText = errorText;
  protected readonly columns = ['name', 'state', 'storage', 'description', 'createdAt'];
  protected readonly list = new PagedList<Domain>((q) => this.#api.list(q), { sort: 'name', order: 'asc' });
  protected readonly showCreate = signal(false);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  readonly #usage = signal<Map<string, number>>(new Map());
  protected readonly storageOf = (d: Domain) => formatBytes(this.#usage().get(d.id) ?? 0);
  protected readonly usageKnown = computed(() => this.#usage().size);
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', schemaValidators(DomainCreate, 'name')],
    description: ['', schemaValidators(DomainCreate, 'description')],
    aliasOf: [''],
  });

  async ngOnInit(): Promise<void> {
    await this.list.reload();
    this.#api.storage().then((u) => this.#usage.set(new Map(u.items.map((i) => [i.domainId, i.bytes]))), () => undefined);
  }

  protected sort(s: Sort): void {
    void this.list.setSort(s.active, s.direction);
  }

  async createDomain(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    const { name, description, aliasOf } = this.form.getRawValue();
    try {
      const created = await this.#api.create({ name: name.trim(), ...(description ? { description } : {}), ...(aliasOf.trim() ? { aliasOf: aliasOf.trim() } : {}) });
      this.#notify.done(`Domain ${created.unicodeName} created`);
      await this.#router.navigate(['/domains', created.name]);
    } catch (err) {
      const p = problemFrom(err);
      const rest = applyProblem(this.form, p);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }
}
