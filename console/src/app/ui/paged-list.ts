// State of one server-paged, sorted and filtered list, as signals. Pages
// never load a whole collection: each change of page, sort or filter asks
// the server for one page (`offset`, `limit`, `sort`, `order`, `q`, filters).
// Answers that arrive out of order are dropped, so a slow old request never
// overwrites a newer one.
import { computed, signal } from '@angular/core';
import type { Query, QueryValue } from '../core/api-http';
import { type ApiProblem, problemFrom } from '../core/problem';

export interface PageResult<T> { items: T[]; total: number; offset: number; limit: number }

export interface ListQuery {
  offset: number;
  limit: number;
  q: string;
  sort: string | undefined;
  order: 'asc' | 'desc' | undefined;
  filters: Record<string, QueryValue>;
}

export type PageLoader<T> = (query: Query) => Promise<PageResult<T>>;

export const PAGE_SIZES = [25, 50, 100, 200] as const;

export class PagedList<T extends { id?: string }> {
  readonly #loader: PageLoader<T>;
  #seq = 0;
  readonly query = signal<ListQuery>({ offset: 0, limit: 50, q: '', sort: undefined, order: undefined, filters: {} });
  readonly page = signal<PageResult<T> | null>(null);
  readonly loading = signal(false);
  readonly error = signal<ApiProblem | null>(null);
  readonly selected = signal<ReadonlySet<string>>(new Set());

  readonly items = computed(() => this.page()?.items ?? []);
  readonly total = computed(() => this.page()?.total ?? 0);
  readonly pageIndex = computed(() => Math.floor(this.query().offset / this.query().limit));
  readonly empty = computed(() => !this.loading() && !this.error() && this.page() !== null && this.page()!.items.length === 0);
  readonly allOnPageSelected = computed(() => {
    const items = this.items();
    return items.length > 0 && items.every((i) => i.id !== undefined && this.selected().has(i.id));
  });

  constructor(loader: PageLoader<T>, initial: Partial<ListQuery> = {}) {
    this.#loader = loader;
    this.query.update((q) => ({ ...q, ...initial }));
  }

  /** The query string sent to the server for the current state. */
  requestQuery(): Query {
    const { offset, limit, q, sort, order, filters } = this.query();
    return { offset, limit, q: q.trim() || undefined, sort, order: sort ? order : undefined, ...filters };
  }

  async reload(): Promise<void> {
    const seq = ++this.#seq;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.#loader(this.requestQuery());
      if (seq !== this.#seq) return;
      this.page.set(page);
      // The server may have clamped an offset past the end (rows deleted meanwhile): show the last page instead.
      if (page.items.length === 0 && page.total > 0 && this.query().offset >= page.total) {
        this.query.update((q) => ({ ...q, offset: Math.max(0, Math.floor((page.total - 1) / q.limit) * q.limit) }));
        await this.reload();
      }
    } catch (err) {
      if (seq === this.#seq) this.error.set(problemFrom(err));
    } finally {
      if (seq === this.#seq) this.loading.set(false);
    }
  }

  setPage(pageIndex: number, pageSize: number): Promise<void> {
    this.query.update((q) => ({ ...q, limit: pageSize, offset: pageIndex * pageSize }));
    return this.reload();
  }

  setSort(field: string, direction: 'asc' | 'desc' | ''): Promise<void> {
    this.query.update((q) => ({ ...q, offset: 0, sort: direction ? field : undefined, order: direction || undefined }));
    return this.reload();
  }

  setSearch(text: string): Promise<void> {
    this.query.update((q) => ({ ...q, offset: 0, q: text }));
    return this.reload();
  }

  setFilter(name: string, value: QueryValue): Promise<void> {
    this.query.update((q) => ({ ...q, offset: 0, filters: { ...q.filters, [name]: value } }));
    return this.reload();
  }

  toggle(id: string): void {
    this.selected.update((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  toggleAllOnPage(): void {
    const ids = this.items().map((i) => i.id).filter((id): id is string => id !== undefined);
    const all = this.allOnPageSelected();
    this.selected.update((s) => {
      const next = new Set(s);
      for (const id of ids) if (all) next.delete(id); else next.add(id);
      return next;
    });
  }

  clearSelection(): void {
    this.selected.set(new Set());
  }
}
