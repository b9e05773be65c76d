import type { HttpTestingController } from '@angular/common/http/testing';
import { AccountList } from './account-list';
import { button, render, settle, setup, text } from '../../testing/harness';

const row = (id: string, address: string, enabled = true) => ({
  id, domainId: 'd1', address, displayName: '', enabled, role: 'user', adminDomainIds: [], quotaBytes: 0, quotaMessages: 0,
  forwardTo: [], keepForwardedCopy: true, passwordSetAt: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('AccountList table', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  async function open() {
    const f = await render(AccountList);
    http.expectOne((r) => r.url === '/api/v1/domains').flush({ items: [{ id: 'd1', name: 'example.com', unicodeName: 'example.com' }], total: 1, offset: 0, limit: 500 });
    const list = http.expectOne((r) => r.url === '/api/v1/accounts');
    return { f, list };
  }

  it('loads one sorted page from the server, never the whole directory, with usage for that page only', async () => {
    const { f, list } = await open();
    expect(list.request.params.get('offset')).toBe('0');
    expect(list.request.params.get('limit')).toBe('50');
    expect(list.request.params.get('sort')).toBe('address');
    list.flush({ items: [row('a1', 'ann@example.com'), row('a2', 'bob@example.com', false)], total: 100000, offset: 0, limit: 50 });
    await settle(f);
    const usage = http.expectOne((r) => r.url === '/api/v1/system/account-usage');
    expect(usage.request.params.get('ids')).toBe('a1,a2');
    usage.flush({ items: [{ accountId: 'a1', bytes: 2048, messages: 1 }] });
    await settle(f);
    const t = text(f);
    expect(t).toContain('ann@example.com');
    expect(t).toContain('2.0 KiB, no quota');
    expect(t).toContain('1 – 50 of 100000');
  });

  it('asks the next page when the paginator moves on', async () => {
    const { f, list } = await open();
    list.flush({ items: [row('a1', 'ann@example.com')], total: 120, offset: 0, limit: 50 });
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [] });
    (f.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button.mat-mdc-paginator-navigation-next')!.click();
    await settle(f);
    const next = http.expectOne((r) => r.url === '/api/v1/accounts');
    expect(next.request.params.get('offset')).toBe('50');
    next.flush({ items: [], total: 120, offset: 50, limit: 50 });
    await settle(f);
  });

  it('enables the selected accounts in one bulk request and reports the result', async () => {
    const { f, list } = await open();
    list.flush({ items: [row('a1', 'ann@example.com', false), row('a2', 'bob@example.com', false)], total: 2, offset: 0, limit: 50 });
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [] });
    const boxes = (f.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>('td input[type=checkbox]');
    boxes[0].click();
    boxes[1].click();
    await settle(f);
    expect(text(f)).toContain('2 selected');
    button(f, 'Enable selected').click();
    await settle(f);
    const bulk = http.expectOne({ method: 'POST', url: '/api/v1/accounts/bulk' });
    expect(bulk.request.body).toEqual({ action: 'enable', ids: ['a1', 'a2'] });
    bulk.flush({ items: [{ id: 'a1', ok: true }, { id: 'a2', ok: true }], changed: 2, failed: 0 });
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/accounts').flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).not.toContain('selected');
  });

  it('shows the error with a retry button when the page cannot be loaded', async () => {
    const { f, list } = await open();
    list.flush({ type: 'x', title: 'The store is not available', status: 503, code: 'STOA_STORE_UNAVAILABLE' }, { status: 503, statusText: 'Service Unavailable' });
    await settle(f);
    expect(text(f)).toContain('Could not load the accounts: The store is not available');
    button(f, 'Try again').click();
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/accounts').flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    http.expectNone((r) => r.url === '/api/v1/system/account-usage');
    expect(text(f)).toContain('No accounts match.');
  });
});
