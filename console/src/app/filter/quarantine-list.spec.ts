import type { HttpTestingController } from '@angular/common/http/testing';
import { QuarantineList } from './quarantine-list';
import { button, confirmDialog as confirm, flushProblem, problem, render, settle, setup, text } from '../../testing/harness';

const held = (id: string, subject: string, status = 'held') => ({
  id, blobId: 'b', size: 2048, heldAt: '2026-12-01T10:00:00.000Z', expiresAt: '2026-12-31T10:00:00.000Z', direction: 'inbound',
  sender: 'bulk@spam.example', recipients: [{ address: 'ann@example.com', accountId: 'a1' }], domainIds: ['d1'], accountIds: ['a1'],
  subject, from: 'Deals <bulk@spam.example>', reason: 'spam score above the quarantine threshold', verdictId: 'v1', score: 11.5,
  status, resolvedAt: null, resolvedBy: null, digested: false,
});

describe('QuarantineList table', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  it('asks one page of held messages, by status only (the API has no search), and shows why each was held', async () => {
    const f = await render(QuarantineList);
    const req = http.expectOne((r) => r.url === '/api/v1/filter/quarantine');
    expect(req.request.params.get('status')).toBe('held');
    expect(req.request.params.get('limit')).toBe('50');
    expect(req.request.params.has('q')).toBe(false);
    expect(req.request.params.has('sort')).toBe(false);
    req.flush({ items: [held('q1', 'Cheap watches')], total: 1, offset: 0, limit: 50 });
    await settle(f);
    const t = text(f);
    expect(t).toContain('Cheap watches');
    expect(t).toContain('spam score above the quarantine threshold (score 11.5)');
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=list-search]')).toBeNull();
  });

  it('releases a message after confirmation and reloads the page', async () => {
    const f = await render(QuarantineList);
    http.expectOne((r) => r.url === '/api/v1/filter/quarantine').flush({ items: [held('q1', 'Invoice')], total: 1, offset: 0, limit: 50 });
    await settle(f);
    button(f, 'Release').click();
    await settle(f);
    expect(document.body.textContent).toContain('It was held because: spam score above the quarantine threshold');
    await confirm(f, 'Release');
    const release = http.expectOne({ method: 'POST', url: '/api/v1/filter/quarantine/q1/release' });
    expect(release.request.headers.get('x-stoa-csrf')).toBe('1');
    release.flush(held('q1', 'Invoice', 'released'));
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/filter/quarantine').flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).toContain('No held messages match.');
  });

  it('works on the signed-in admin\'s own held mail through /me/quarantine', async () => {
    const f = await render(QuarantineList, { scope: 'mine' });
    http.expectOne((r) => r.url === '/api/v1/me/quarantine').flush({ items: [held('q2', 'Newsletter')], total: 1, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).toContain('My held mail');
    button(f, 'Delete').click();
    await settle(f);
    await confirm(f, 'Delete');
    http.expectOne({ method: 'DELETE', url: '/api/v1/me/quarantine/q2' }).flush(null, { status: 204, statusText: 'No Content' });
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/me/quarantine').flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
  });

  it('shows the other statuses when asked, without release buttons', async () => {
    const f = await render(QuarantineList);
    http.expectOne((r) => r.url === '/api/v1/filter/quarantine').flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    (f.componentInstance as unknown as { list: { setFilter(n: string, v: string): Promise<void> } }).list.setFilter('status', 'released');
    await settle(f);
    const req = http.expectOne((r) => r.url === '/api/v1/filter/quarantine');
    expect(req.request.params.get('status')).toBe('released');
    req.flush({ items: [held('q3', 'Old', 'released')], total: 1, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).toContain('released');
    expect(() => button(f, 'Release')).toThrow();
  });

  it('says why the list could not be loaded and offers a retry', async () => {
    const f = await render(QuarantineList);
    flushProblem(http.expectOne((r) => r.url === '/api/v1/filter/quarantine'), problem('STOA_STORE_UNAVAILABLE', 503, 'The store is unavailable; nothing was changed'));
    await settle(f);
    expect(text(f)).toContain('Could not load the held messages');
    button(f, 'Try again').click();
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/filter/quarantine').flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
  });
});
