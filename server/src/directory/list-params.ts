// Paging defaults shared by every list: the API schema already bounds the
// values, but the CLI and other services call in directly.
import type { ListOptions, SortOrder } from '../store/port.ts';
import type { ListParams } from './api.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function toListOptions<S extends string>(params: ListParams<S>, defaultSort: S, defaultOrder: SortOrder = 'asc'): ListOptions<S> {
  const offset = Number.isInteger(params.offset) && params.offset! > 0 ? params.offset! : 0;
  const limit = Number.isInteger(params.limit) && params.limit! > 0 ? Math.min(params.limit!, MAX_LIMIT) : DEFAULT_LIMIT;
  // Names and addresses are stored case-folded; folding the query too makes
  // the match case-insensitive beyond ASCII, where SQL LIKE stops.
  const q = params.q?.trim().normalize('NFC').toLowerCase();
  return {
    offset,
    limit,
    ...(q ? { q } : {}),
    sort: params.sort ?? defaultSort,
    order: params.order ?? defaultOrder,
  };
}
