import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute } from '@angular/router';
import { CollectionsPage } from './collections-page';
import { button, confirmDialog, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const account = {
  id: 'acc1', domainId: 'd1', address: 'boss@example.com', displayName: 'Boss', enabled: true, role: 'user', adminDomainIds: [], quotaBytes: 0, quotaMessages: 0,
  forwardTo: [], keepForwardedCopy: true, passwordSetAt: null, source: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
};
const collection = (id: string, kind: string, uri: string, role: string | null, extra: Record<string, unknown> = {}) => ({
  id, kind, uri, role, displayName: uri === 'calendar' ? 'Calendar' : uri, description: '', color: kind === 'calendar' ? '#1f6fd1' : null, order: null,
  components: kind === 'calendar' ? ['VEVENT'] : [], href: `/dav/${kind === 'addressbook' ? 'addressbooks' : 'calendars'}/boss@example.com/${uri}/`, syncSeq: 1,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...extra,
});

describe('CollectionsPage (calendars and address books)', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'accounts/:id', children: [] }]); });
  afterEach(() => http.verify());

  async function open() {
    const f = await render(CollectionsPage, { id: 'acc1' });
    http.expectOne('/api/v1/accounts/acc1').flush(account);
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/collections').flush({
      items: [collection('c1', 'calendar', 'calendar', 'calendar'), collection('c2', 'addressbook', 'contacts', 'addressbook')], usage: { objects: 12, bytes: 4096 },
    });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/delegations').flush({
      items: [{ grantee: { kind: 'group', id: 'g1', address: 'team@example.com' }, access: 'read-write', source: 'full-access' }],
    });
    await settle(f);
    return f;
  }

  it('lists the account\'s calendars and address books with where clients find them and the storage they use', async () => {
    const f = await open();
    const t = text(f);
    expect(t).toContain('For boss@example.com · 12 objects, 4.0 KiB');
    expect(t).toContain('/dav/calendars/boss@example.com/calendar/');
    expect(t).toContain('default address book');
    // A Full Access holder is a delegate through the mailbox grant: named, not removable here.
    const delegates = (f.nativeElement as HTMLElement).querySelector('[data-testid=delegates]')!;
    expect(delegates.textContent!.replace(/\s+/g, ' ')).toContain('team@example.com · group: Read and write (Full Access to the mailbox');
    expect(delegates.querySelector('button')).toBeNull();
  });

  it('creates a calendar holding tasks, and puts a refused path name under its field', async () => {
    const f = await open();
    type(f, 'input[formcontrolname=uri]', 'a/b');
    button(f, 'Create').click();
    await settle(f);
    expect(text(f)).toContain('Not in the expected form');
    http.expectNone('/api/v1/accounts/acc1/collections');

    type(f, 'input[formcontrolname=uri]', 'calendar');
    type(f, 'input[formcontrolname=displayName]', 'Work');
    button(f, 'Create').click();
    await settle(f);
    const taken = http.expectOne({ method: 'POST', url: '/api/v1/accounts/acc1/collections' });
    expect(taken.request.body).toMatchObject({ kind: 'calendar', uri: 'calendar', displayName: 'Work', components: ['VEVENT'] });
    flushProblem(taken, problem('STOA_CONFLICT', 409, 'The object changed or is in use', { detail: 'a collection "calendar" exists', errors: [{ path: '/body/uri', message: 'already exists' }] }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('input[formcontrolname=uri]')!.closest('mat-form-field')!.querySelector('mat-error')?.textContent).toContain('already exists');
  });

  it('shares a collection read-only with a colleague, and says when the colleague is outside the domain', async () => {
    const f = await open();
    (f.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button[aria-label="Open Calendar"]')!.click();
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/collections/c1/shares').flush({ items: [] });
    await settle(f);
    type(f, '[data-testid=share-grantee]', 'someone@other.example');
    button(f, 'Share').click();
    await settle(f);
    flushProblem(http.expectOne({ method: 'PUT', url: '/api/v1/accounts/acc1/collections/c1/shares/someone%40other.example' }),
      problem('STOA_NOT_FOUND', 404, 'Not found', { detail: 'no account or group "someone@other.example" in example.com' }));
    await settle(f);
    expect(text(f)).toContain('no account or group "someone@other.example" in example.com');
    type(f, '[data-testid=share-grantee]', 'assistant@example.com');
    button(f, 'Share').click();
    await settle(f);
    const ok = http.expectOne({ method: 'PUT', url: '/api/v1/accounts/acc1/collections/c1/shares/assistant%40example.com' });
    expect(ok.request.body).toEqual({ access: 'read' });
    ok.flush({ items: [{ grantee: { kind: 'account', id: 'a2', address: 'assistant@example.com' }, access: 'read', source: 'dav' }] });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=shares]')?.textContent).toContain('assistant@example.com: Read');
  });

  it('deletes a collection after confirmation and adds a calendar delegate', async () => {
    const f = await open();
    (f.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button[aria-label="Delete contacts"]')!.click();
    await settle(f);
    await confirmDialog(f, 'Delete');
    http.expectOne({ method: 'DELETE', url: '/api/v1/accounts/acc1/collections/c2' }).flush(null, { status: 204, statusText: 'No Content' });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/collections').flush({ items: [collection('c1', 'calendar', 'calendar', 'calendar')], usage: { objects: 3, bytes: 1024 } });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/delegations').flush({ items: [] });
    await settle(f);
    type(f, '[data-testid=delegate-grantee]', 'assistant@example.com');
    button(f, 'Add delegate').click();
    await settle(f);
    http.expectOne({ method: 'PUT', url: '/api/v1/accounts/acc1/delegations/assistant%40example.com' })
      .flush({ items: [{ grantee: { kind: 'account', id: 'a2', address: 'assistant@example.com' }, access: 'read', source: 'dav' }] });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=delegates]')?.textContent).toContain('assistant@example.com: Read');
  });
});

describe('CollectionsPage of a shared mailbox', () => {
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.overrideProvider(ActivatedRoute, { useValue: { snapshot: { data: { owner: 'shared-mailbox' } } } });
    http = setup([{ path: 'shared-mailboxes/:id', children: [] }]);
  });
  afterEach(() => http.verify());

  it('works the same for a shared mailbox, under its own routes', async () => {
    const f = await render(CollectionsPage, { id: 's1' });
    http.expectOne('/api/v1/shared-mailboxes/s1').flush({ id: 's1', address: 'sales@example.com' });
    await settle(f);
    http.expectOne('/api/v1/shared-mailboxes/s1/collections').flush({ items: [], usage: { objects: 0, bytes: 0 } });
    await settle(f);
    http.expectOne('/api/v1/shared-mailboxes/s1/delegations').flush({ items: [] });
    await settle(f);
    expect(text(f)).toContain('For sales@example.com');
    expect(text(f)).toContain('Back to the shared mailbox');
  });
});
