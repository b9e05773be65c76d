import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { SessionStore } from '../core/session';
import { AccountEditor } from './account-editor';
import { button, confirmDialog, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const account = {
  id: 'acc1', domainId: 'd1', address: 'jane@example.com', displayName: 'Jane', enabled: true, role: 'user', adminDomainIds: [],
  quotaBytes: 1073741824, quotaMessages: 0, forwardTo: [], keepForwardedCopy: true, passwordSetAt: null, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('AccountEditor form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'accounts/:id', children: [] }, { path: 'shared-mailboxes/:id', children: [] }]); });
  afterEach(() => http.verify());

  it('checks the address, password length and forwarding addresses in the browser first', async () => {
    const f = await render(AccountEditor);
    type(f, 'input[formcontrolname=address]', 'no-at-sign');
    type(f, 'input[formcontrolname=password]', 'short');
    type(f, 'textarea[formcontrolname=forwardTo]', 'ok@example.com, broken');
    button(f, 'Create account').click();
    await settle(f);
    const t = text(f);
    expect(t).toContain('Not in the expected form');
    expect(t).toContain('At least 8 characters');
    expect(t).toContain('"broken" is not an address');
    http.expectNone('/api/v1/accounts');
  });

  it('creates an account with the quota in bytes and the forwarding list', async () => {
    const f = await render(AccountEditor);
    type(f, 'input[formcontrolname=address]', 'jane@example.com');
    type(f, 'input[formcontrolname=displayName]', ' Jane ');
    type(f, 'input[formcontrolname=quota]', '1 GiB');
    type(f, 'textarea[formcontrolname=forwardTo]', 'a@example.org\nb@example.org');
    button(f, 'Create account').click();
    await settle(f);
    const req = http.expectOne({ method: 'POST', url: '/api/v1/accounts' });
    expect(req.request.body).toEqual({ address: 'jane@example.com', displayName: 'Jane', quotaBytes: 1073741824, forwardTo: ['a@example.org', 'b@example.org'], keepForwardedCopy: true, enabled: true });
    req.flush(account, { status: 201, statusText: 'Created' });
    await settle(f);
  });

  it('shows the server\'s problem next to the field it names', async () => {
    const f = await render(AccountEditor);
    type(f, 'input[formcontrolname=address]', 'jane@example.com');
    type(f, 'input[formcontrolname=displayName]', 'Jane');
    button(f, 'Create account').click();
    await settle(f);
    flushProblem(http.expectOne('/api/v1/accounts'), problem('STOA_VALIDATION', 400, 'The request is not valid', { errors: [{ path: '/body/displayName', message: 'must not contain control characters' }] }));
    await settle(f);
    const error = (f.nativeElement as HTMLElement).querySelector('mat-error');
    expect(error?.textContent).toContain('must not contain control characters');
  });

  it('puts "address already in use" under the address, not in a banner', async () => {
    const f = await render(AccountEditor);
    type(f, 'input[formcontrolname=address]', 'jane@example.com');
    button(f, 'Create account').click();
    await settle(f);
    flushProblem(http.expectOne('/api/v1/accounts'), problem('STOA_ADDRESS_TAKEN', 409, 'The address is already in use', { detail: 'jane@example.com' }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('mat-error')?.textContent).toContain('The address is already in use');
    expect((f.nativeElement as HTMLElement).querySelector('[role=alert]')).toBeNull();
  });

  it('edits an existing account without resending its address, and says when it is outside your domains', async () => {
    const f = await render(AccountEditor, { id: 'acc1' });
    http.expectOne('/api/v1/accounts/acc1').flush(account);
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [{ accountId: 'acc1', bytes: 536870912, messages: 3 }] });
    http.expectOne('/api/v1/accounts/acc1/app-passwords').flush({ items: [] });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/grants').flush({ items: [] });
    http.expectOne('/api/v1/accounts/acc1/delegated-access').flush({ open: [], sendAs: [], sendOnBehalf: [] });
    await settle(f);
    expect(text(f)).toContain('512 MiB of 1.0 GiB (50 %)');
    expect(text(f)).toContain('Delegation');
    type(f, 'input[formcontrolname=displayName]', 'Jane Doe');
    button(f, 'Save').click();
    await settle(f);
    const req = http.expectOne({ method: 'PATCH', url: '/api/v1/accounts/acc1' });
    expect(req.request.body).toMatchObject({ displayName: 'Jane Doe', quotaBytes: 1073741824 });
    expect(req.request.body.address).toBeUndefined();
    req.flush({ ...account, displayName: 'Jane Doe' });
    await settle(f);

    const other = await render(AccountEditor, { id: 'elsewhere' });
    flushProblem(http.expectOne('/api/v1/accounts/elsewhere'), problem('STOA_NOT_FOUND', 404, 'Not found'));
    await settle(other);
    expect(text(other)).toContain('outside the domains you administer');
  });

  it('converts a plain user to a shared mailbox after confirmation; an operator gets neither delegation nor conversion', async () => {
    const f = await render(AccountEditor, { id: 'acc1' });
    http.expectOne('/api/v1/accounts/acc1').flush(account);
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [] });
    http.expectOne('/api/v1/accounts/acc1/app-passwords').flush({ items: [] });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/grants').flush({ items: [] });
    http.expectOne('/api/v1/accounts/acc1/delegated-access').flush({ open: [], sendAs: [], sendOnBehalf: [] });
    await settle(f);
    button(f, 'Convert to shared mailbox').click();
    await settle(f);
    await confirmDialog(f, 'Convert');
    http.expectOne({ method: 'POST', url: '/api/v1/accounts/acc1/convert-to-shared' }).flush({ id: 'acc1', address: 'jane@example.com' });
    await settle(f);

    const op = await render(AccountEditor, { id: 'op1' });
    http.expectOne('/api/v1/accounts/op1').flush({ ...account, id: 'op1', domainId: null, role: 'server-admin', address: 'root' });
    await settle(op);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [] });
    http.expectOne('/api/v1/accounts/op1/app-passwords').flush({ items: [] });
    await settle(op);
    expect(text(op)).not.toContain('Delegation');
    expect(text(op)).not.toContain('Convert to shared mailbox');
  });

  it('leaves the directory\'s fields alone for a synced account, and lets a server admin keep a missing one as a local account', async () => {
    const signingIn = TestBed.inject(SessionStore).signIn('admin', 'secret');
    http.expectOne('/api/v1/session').flush({ account: { address: 'admin', role: 'server-admin', domainId: null }, role: 'server-admin', adminDomains: [], via: 'session' });
    await signingIn;
    const synced = { ...account, source: { connectionId: 'c1', externalId: 'guid', dn: 'CN=Jane,DC=example,DC=com', syncedAt: '2026-01-02T00:00:00.000Z', missingSince: '2026-01-03T00:00:00.000Z', managesRole: false } };
    const f = await render(AccountEditor, { id: 'acc1' });
    http.expectOne('/api/v1/accounts/acc1').flush(synced);
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [] });
    http.expectOne('/api/v1/accounts/acc1/app-passwords').flush({ items: [] });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1/grants').flush({ items: [] });
    http.expectOne('/api/v1/accounts/acc1/delegated-access').flush({ open: [], sendAs: [], sendOnBehalf: [] });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=directory-source]')?.textContent).toContain('CN=Jane,DC=example,DC=com');
    expect(text(f)).not.toContain('Reset password');
    expect(text(f)).not.toContain('Convert to shared mailbox');
    type(f, 'input[formcontrolname=quota]', '2 GiB');
    button(f, 'Save').click();
    await settle(f);
    const save = http.expectOne({ method: 'PATCH', url: '/api/v1/accounts/acc1' });
    expect(save.request.body.displayName).toBeUndefined();
    expect(save.request.body.enabled).toBeUndefined();
    expect(save.request.body.quotaBytes).toBe(2147483648);
    save.flush(synced);
    await settle(f);
    button(f, 'Keep as a local account').click();
    await settle(f);
    await confirmDialog(f, 'Keep as local account');
    const resolve = http.expectOne({ method: 'POST', url: '/api/v1/directory/accounts/acc1/resolve' });
    expect(resolve.request.body).toEqual({ action: 'detach' });
    resolve.flush(null, { status: 204, statusText: 'No Content' });
    await settle(f);
    http.expectOne('/api/v1/accounts/acc1').flush({ ...account, source: null });
    await settle(f);
    expect(text(f)).toContain('Reset password');
  });
});
