// PagedList: the state behind every server-paged table.
import { PagedList, type PageResult } from './paged-list';
import type { Query } from '../core/api-http';

type Row = { id: string };
const page = (ids: string[], total: number, offset = 0, limit = 50): PageResult<Row> => ({ items: ids.map((id) => ({ id })), total, offset, limit });

describe('PagedList', () => {
  it('asks the server for one page with the sort, order, search and filters of the table', async () => {
    const asked: Query[] = [];
    const list = new PagedList<Row>(async (q) => { asked.push(q); return page(['a'], 1); }, { sort: 'address', order: 'asc' });
    await list.reload();
    await list.setSearch('  smith ');
    await list.setFilter('domain', 'example.com');
    await list.setSort('createdAt', 'desc');
    await list.setPage(3, 100);
    expect(asked[0]).toEqual({ offset: 0, limit: 50, q: undefined, sort: 'address', order: 'asc' });
    expect(asked[1]).toMatchObject({ q: 'smith', offset: 0 });
    expect(asked[3]).toEqual({ offset: 0, limit: 50, q: 'smith', sort: 'createdAt', order: 'desc', domain: 'example.com' });
    expect(asked[4]).toMatchObject({ offset: 300, limit: 100 });
    expect(list.pageIndex()).toBe(3);
  });

  it('drops an answer that arrives after a newer request', async () => {
    const pending: Array<(p: PageResult<Row>) => void> = [];
    const list = new PagedList<Row>(() => new Promise((resolve) => pending.push(resolve)));
    const first = list.reload();
    const second = list.setSearch('new');
    pending[1](page(['new'], 1));
    pending[0](page(['old'], 1));
    await Promise.all([first, second]);
    expect(list.items().map((r) => r.id)).toEqual(['new']);
    expect(list.loading()).toBe(false);
  });

  it('shows the last page when rows were deleted under the current one', async () => {
    const list = new PagedList<Row>(async (q) => (Number(q['offset']) >= 100 ? page([], 60) : page(['x'], 60, Number(q['offset']))));
    await list.setPage(2, 50);
    expect(list.query().offset).toBe(50);
    expect(list.items()).toHaveLength(1);
  });

  it('keeps the error for the page and clears it on the next success', async () => {
    let fail = true;
    const list = new PagedList<Row>(async () => { if (fail) throw new Error('boom'); return page([], 0); });
    await list.reload();
    expect(list.error()?.detail).toBe('boom');
    fail = false;
    await list.reload();
    expect(list.error()).toBeNull();
    expect(list.empty()).toBe(true);
  });

  it('selects and unselects every row of the page for bulk actions', async () => {
    const list = new PagedList<Row>(async () => page(['a', 'b'], 2));
    await list.reload();
    list.toggle('a');
    expect(list.allOnPageSelected()).toBe(false);
    list.toggleAllOnPage();
    expect([...list.selected()]).toEqual(['a', 'b']);
    list.toggleAllOnPage();
    expect(list.selected().size).toBe(0);
  });
});
