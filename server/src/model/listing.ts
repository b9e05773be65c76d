// Paged, sorted listings and the domain scope of a caller: how every list
// operation of the directory and the admin API is asked and answered.

export type SortOrder = 'asc' | 'desc';

export interface ListOptions<S extends string> {
  offset: number;
  limit: number;
  /** Case-insensitive substring of the address or the name. */
  q?: string;
  sort: S;
  order: SortOrder;
}

export interface Page<T> { items: T[]; total: number; offset: number; limit: number }

/** Domain ids a caller may see; `null` means every domain (server admin). */
export type DomainScope = readonly string[] | null;
