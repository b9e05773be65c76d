// List commands show everything unless --limit says otherwise, walking the
// service's pages (the API caps one page at 500 items).
import type { Page } from '../../model/listing.ts';
import { UsageError, parseCount, stringOpt, type OptionValues } from '../command.ts';

const PAGE = 500;

export const LIST_OPTIONS = {
  q: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
} as const;

export const LIST_DETAILS = [
  '--q TEXT         only entries whose address or name contains TEXT',
  '--limit N        at most N entries (default: all)',
  '--offset N       skip the first N entries',
];

export async function collectPages<T>(values: OptionValues, fetch: (offset: number, limit: number, q: string | undefined) => Promise<Page<T>>): Promise<{ items: T[]; total: number }> {
  const q = stringOpt(values, 'q');
  const wanted = stringOpt(values, 'limit') !== undefined ? parseCount(stringOpt(values, 'limit')!, 'limit') : Infinity;
  if (wanted === 0) throw new UsageError('--limit must be at least 1');
  let offset = stringOpt(values, 'offset') !== undefined ? parseCount(stringOpt(values, 'offset')!, 'offset') : 0;
  const items: T[] = [];
  for (;;) {
    const page = await fetch(offset, Math.min(PAGE, wanted - items.length), q);
    items.push(...page.items);
    offset += page.items.length;
    if (page.items.length === 0 || items.length >= wanted || offset >= page.total) return { items, total: page.total };
  }
}
