// The frame every list page puts around its mat-table: the search box
// (debounced), extra filters (projected), a loading bar, the error with a
// retry button, the empty state and the paginator. The table itself stays
// in the feature's template so each page chooses its columns.
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { PAGE_SIZES, type PagedList } from './paged-list';

@Component({
  selector: 'stoa-list-frame',
  imports: [MatFormFieldModule, MatInputModule, MatPaginatorModule, MatProgressBarModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: baseline; }
    .search { flex: 1 1 280px; max-width: 480px; }
    .bar { height: 4px; }
    .state { padding: 24px 8px; }
  `,
  template: `
    <div class="filters">
      @if (searchable()) {
        <mat-form-field class="search" subscriptSizing="dynamic">
          <mat-label>{{ searchLabel() }}</mat-label>
          <input matInput type="search" [value]="list().query().q" (input)="search($any($event.target).value)" data-testid="list-search">
        </mat-form-field>
      }
      <ng-content select="[filters]" />
    </div>
    <div class="bar">@if (list().loading()) { <mat-progress-bar mode="indeterminate" [attr.aria-label]="'Loading ' + noun()" /> }</div>
    @if (list().error(); as e) {
      <div class="state error-text" role="alert">
        <p>Could not load the {{ noun() }}: {{ e.summary }}</p>
        <button mat-stroked-button type="button" (click)="list().reload()">Try again</button>
      </div>
    }
    <div class="table-scroll" [attr.aria-busy]="list().loading()"><ng-content /></div>
    @if (list().empty()) { <p class="state muted">No {{ noun() }} match.</p> }
    <mat-paginator [length]="list().total()" [pageIndex]="list().pageIndex()" [pageSize]="list().query().limit"
      [pageSizeOptions]="pageSizes" (page)="page($event)" [attr.aria-label]="'Pages of ' + noun()" showFirstLastButtons />
  `,
})
export class ListFrame<T extends { id?: string }> {
  readonly list = input.required<PagedList<T>>();
  readonly noun = input('items');
  readonly searchLabel = input('Search');
  /** Lists whose API has no text search (the quarantine) hide the box rather than send a query the server refuses. */
  readonly searchable = input(true);
  protected readonly pageSizes = [...PAGE_SIZES];
  #timer: ReturnType<typeof setTimeout> | null = null;

  protected search(text: string): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.list().setSearch(text), 300);
  }

  protected page(e: PageEvent): void {
    void this.list().setPage(e.pageIndex, e.pageSize);
  }
}
