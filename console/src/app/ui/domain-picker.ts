// A domain filter/select used by many pages. Lists only the domains the
// caller may see (the server scopes the list for a domain admin).
import { ChangeDetectionStrategy, Component, type OnInit, inject, input, model, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import type { Domain } from '@shared/schemas/directory.ts';
import { DomainsApi } from '../domains/domains-api';

@Component({
  selector: 'stoa-domain-picker',
  imports: [MatFormFieldModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-form-field subscriptSizing="dynamic">
      <mat-label>{{ label() }}</mat-label>
      <mat-select [value]="value()" (valueChange)="value.set($event)" data-testid="domain-picker">
        @if (allowAll()) { <mat-option [value]="''">All domains</mat-option> }
        @for (d of domains(); track d.id) { <mat-option [value]="d.name">{{ d.unicodeName }}</mat-option> }
      </mat-select>
      @if (error()) { <mat-hint class="error-text">Domains could not be loaded</mat-hint> }
    </mat-form-field>
  `,
})
export class DomainPicker implements OnInit {
  readonly #api = inject(DomainsApi);
  readonly label = input('Domain');
  readonly allowAll = input(true);
  readonly value = model('');
  protected readonly domains = signal<Domain[]>([]);
  protected readonly error = signal(false);

  async ngOnInit(): Promise<void> {
    try {
      const all = await this.#api.all();
      this.domains.set(all);
      if (!this.allowAll() && !this.value() && all[0]) this.value.set(all[0].name);
    } catch {
      this.error.set(true);
    }
  }
}
