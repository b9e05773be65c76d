import type { HttpTestingController } from '@angular/common/http/testing';
import { AuditPage } from './audit-page';
import { render, settle, setup, text } from '../../testing/harness';

const entry = { id: 'e1', at: '2026-03-02T10:00:00.000Z', actorId: null, actor: 'admin', ip: '192.0.2.1', action: 'create', objectType: 'account', objectId: 'a1', domainId: null, before: null, after: { address: 'ann@x.test' } };

describe('AuditPage table', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  it('lists newest first and filters by who, what and a day window on the server', async () => {
    const f = await render(AuditPage);
    http.expectOne((r) => r.url === '/api/v1/domains').flush({ items: [], total: 0, offset: 0, limit: 500 });
    const first = http.expectOne((r) => r.url === '/api/v1/audit');
    expect(first.request.params.get('sort')).toBe('at');
    expect(first.request.params.get('order')).toBe('desc');
    first.flush({ items: [entry], total: 1, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).toContain('ann@x.test');
    const since = (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('[data-testid=audit-since]')!;
    since.value = '2026-03-02';
    since.dispatchEvent(new Event('change'));
    await settle(f);
    const filtered = http.expectOne((r) => r.url === '/api/v1/audit');
    expect(filtered.request.params.get('since')).toBe(new Date(2026, 2, 2).toISOString());
    filtered.flush({ items: [], total: 0, offset: 0, limit: 50 });
    const until = (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('[data-testid=audit-until]')!;
    until.value = '2026-03-02';
    until.dispatchEvent(new Event('change'));
    await settle(f);
    const both = http.expectOne((r) => r.url === '/api/v1/audit');
    expect(both.request.params.get('until')).toBe(new Date(2026, 2, 3).toISOString());
    both.flush({ items: [], total: 0, offset: 0, limit: 50 });
    await settle(f);
    expect(text(f)).toContain('No entries match.');
  });
});
