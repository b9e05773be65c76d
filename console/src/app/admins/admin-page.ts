// Administrators and their domain scopes (server admins only: the server
// refuses role changes from anyone else). Granting "user" revokes a role.
import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import type { Account, Domain, Role } from '@shared/schemas/directory.ts';
import { problemFrom } from '../core/problem';
import { applyProblem, errorText } from '../ui/form-errors';
import { ListFrame } from '../ui/list-frame';
import { Notifier } from '../ui/notifier';
import { PagedList } from '../ui/paged-list';
import { AdminsApi } from './admins-api';

@Component({
  selector: 'stoa-admin-page',
  imports: [ReactiveFormsModule, RouterLink, MatTableModule, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, ListFrame],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Administrators</h1></div>
      <mat-card appearance="outlined" class="editor">
        <mat-card-header><mat-card-title>Grant a role</mat-card-title><mat-card-subtitle>A domain admin manages accounts, groups, aliases and resources of the chosen domains only</mat-card-subtitle></mat-card-header>
        <mat-card-content>
          <form [formGroup]="form" (ngSubmit)="grantRole()" novalidate aria-label="Grant a role">
            <div class="form-grid">
              <mat-form-field><mat-label>Account address</mat-label><input matInput formControlName="account" data-testid="grant-account"><mat-error>{{ errorText(form.controls.account) }}</mat-error></mat-form-field>
              <mat-form-field><mat-label>Role</mat-label><mat-select formControlName="role" data-testid="grant-role">
                <mat-option value="domain-admin">Domain admin</mat-option><mat-option value="server-admin">Server admin</mat-option><mat-option value="user">User (no admin rights)</mat-option></mat-select></mat-form-field>
              @if (form.controls.role.value === 'domain-admin') {
                <mat-form-field><mat-label>Domains</mat-label><mat-select formControlName="domains" multiple data-testid="grant-domains">
                  @for (d of domains(); track d.id) { <mat-option [value]="d.name">{{ d.unicodeName }}</mat-option> }</mat-select>
                  <mat-error>{{ errorText(form.controls.domains) }}</mat-error></mat-form-field>
              }
            </div>
            @if (formError(); as e) { <p class="error-text" role="alert">{{ e }}</p> }
            <button mat-flat-button type="submit" [disabled]="busy()">Grant</button>
          </form>
        </mat-card-content>
      </mat-card>
      <stoa-list-frame [list]="list" noun="administrators" searchLabel="Filter by address">
        <mat-form-field filters subscriptSizing="dynamic"><mat-label>Role</mat-label>
          <mat-select [value]="list.query().filters['role']" (valueChange)="list.setFilter('role', $event)">
            <mat-option value="domain-admin">Domain admins</mat-option><mat-option value="server-admin">Server admins</mat-option></mat-select></mat-form-field>
        <table mat-table [dataSource]="list.items()" aria-label="Administrators">
          <ng-container matColumnDef="address"><th mat-header-cell *matHeaderCellDef>Account</th><td mat-cell *matCellDef="let a"><a [routerLink]="['/accounts', a.id]">{{ a.address }}</a></td></ng-container>
          <ng-container matColumnDef="role"><th mat-header-cell *matHeaderCellDef>Role</th><td mat-cell *matCellDef="let a">{{ a.role }}</td></ng-container>
          <ng-container matColumnDef="scope"><th mat-header-cell *matHeaderCellDef>Domains</th><td mat-cell *matCellDef="let a">{{ scopeOf(a) }}</td></ng-container>
          <ng-container matColumnDef="actions"><th mat-header-cell *matHeaderCellDef><span class="visually-hidden">Actions</span></th>
            <td mat-cell *matCellDef="let a"><button mat-button type="button" (click)="edit(a)">Change</button></td></ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns"></tr>
        </table>
      </stoa-list-frame>
    </div>
  `,
  styles: `.editor { margin-bottom: 16px; }`,
})
export class AdminPage implements OnInit {
  readonly #api = inject(AdminsApi);
  readonly #notify = inject(Notifier);
  protected readonly errorText = errorText;
  protected readonly columns = ['address', 'role', 'scope', 'actions'];
  protected readonly domains = signal<Domain[]>([]);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly list = new PagedList<Account>((q) => this.#api.list(q), { sort: 'address', order: 'asc', filters: { role: 'domain-admin' } });
  protected readonly form = inject(NonNullableFormBuilder).group({
    account: ['', [Validators.required, Validators.maxLength(320)]],
    role: ['domain-admin' as Role],
    domains: [[] as string[]],
  });

  async ngOnInit(): Promise<void> {
    await this.list.reload();
    this.domains.set(await this.#api.domains().catch(() => []));
  }

  protected scopeOf(a: Account): string {
    if (a.role === 'server-admin') return 'All';
    const byId = new Map(this.domains().map((d) => [d.id, d.unicodeName]));
    return a.adminDomainIds.map((id) => byId.get(id) ?? id).join(', ') || '—';
  }

  edit(a: Account): void {
    const byId = new Map(this.domains().map((d) => [d.id, d.name]));
    this.form.reset({ account: a.address, role: a.role, domains: a.adminDomainIds.map((id) => byId.get(id) ?? id) });
  }

  async grantRole(): Promise<void> {
    this.form.markAllAsTouched();
    const v = this.form.getRawValue();
    if (v.role === 'domain-admin' && v.domains.length === 0) this.form.controls.domains.setErrors({ server: 'Choose at least one domain' });
    if (this.form.invalid || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const a = await this.#api.grant(v.account.trim(), v.role === 'domain-admin' ? { role: v.role, domains: v.domains } : { role: v.role });
      this.#notify.done(`${a.address} is now ${a.role}`);
      this.form.reset({ account: '', role: 'domain-admin', domains: [] });
      await this.list.reload();
    } catch (err) {
      const p = problemFrom(err);
      if (p.status === 404) {
        this.form.controls.account.setErrors({ server: 'No such account' });
        return;
      }
      const rest = applyProblem(this.form, p);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }
}
