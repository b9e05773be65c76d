import type { HttpTestingController } from '@angular/common/http/testing';
import { SharedMailboxList } from './shared-mailbox-list';
import { render, settle, setup, text } from '../../testing/harness';

const row = (id: string, address: string, quotaBytes = 0) => ({
  id, domainId: 'd1', address, displayName: address.split('@')[0], enabled: true, quotaBytes, quotaMessages: 0, forwardTo: [],
  keepForwardedCopy: true, copySent: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('SharedMailboxList table', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  async function open() {
    const f = await render(SharedMailboxList);
    http.expectOne((r) => r.url === '/api/v1/domains').flush({ items: [{ id: 'd1', name: 'example.com', unicodeName: 'example.com' }], total: 1, offset: 0, limit: 500 });
    return { f, list: http.expectOne((r) => r.url === '/api/v1/shared-mailboxes') };
  }

  it('asks one sorted page from the server and the storage of that page only', async () => {
    const { f, list } = await open();
    expect(list.request.params.get('sort')).toBe('address');
    expect(list.request.params.get('limit')).toBe('50');
    list.flush({ items: [row('s1', 'info@example.com'), row('s2', 'sales@example.com', 1073741824)], total: 2, offset: 0, limit: 50 });
    await settle(f);
    const usage = http.expectOne((r) => r.url === '/api/v1/system/account-usage');
    expect(usage.request.params.get('ids')).toBe('s1,s2');
    usage.flush({ items: [{ accountId: 's2', bytes: 536870912, messages: 10 }] });
    await settle(f);
    const t = text(f);
    expect(t).toContain('info@example.com');
    expect(t).toContain('512 MiB of 1.0 GiB (50 %)');
  });

  it('filters by domain and by text on the server', async () => {
    const { f, list } = await open();
    list.flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    const search = (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('[data-testid=list-search]')!;
    search.value = 'sales';
    search.dispatchEvent(new Event('input'));
    await new Promise((r) => setTimeout(r, 400));
    await settle(f);
    const filtered = http.expectOne((r) => r.url === '/api/v1/shared-mailboxes');
    expect(filtered.request.params.get('q')).toBe('sales');
    filtered.flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).toContain('No shared mailboxes match');
  });
});
