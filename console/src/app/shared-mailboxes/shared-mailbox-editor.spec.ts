import type { HttpTestingController } from '@angular/common/http/testing';
import { SharedMailboxEditor } from './shared-mailbox-editor';
import { button, confirmDialog, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const sales = {
  id: 's1', domainId: 'd1', address: 'sales@example.com', displayName: 'Sales', enabled: true, quotaBytes: 10737418240, quotaMessages: 0,
  forwardTo: [], keepForwardedCopy: true, copySent: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('SharedMailboxEditor form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'shared-mailboxes/:id', children: [] }, { path: 'accounts/:id', children: [] }]); });
  afterEach(() => http.verify());

  it('checks the address and forwarding in the browser before asking the server', async () => {
    const f = await render(SharedMailboxEditor);
    type(f, 'input[formcontrolname=address]', 'sales');
    type(f, 'textarea[formcontrolname=forwardTo]', 'boss@example.com nope');
    button(f, 'Create shared mailbox').click();
    await settle(f);
    expect(text(f)).toContain('Not in the expected form');
    expect(text(f)).toContain('"nope" is not an address');
    http.expectNone('/api/v1/shared-mailboxes');
  });

  it('creates a shared mailbox with its quota in bytes and the Sent-copy choice', async () => {
    const f = await render(SharedMailboxEditor);
    type(f, 'input[formcontrolname=address]', 'sales@example.com');
    type(f, 'input[formcontrolname=displayName]', 'Sales');
    type(f, 'input[formcontrolname=quota]', '10 GiB');
    (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('mat-checkbox[formcontrolname=copySent] input')!.click();
    button(f, 'Create shared mailbox').click();
    await settle(f);
    const req = http.expectOne({ method: 'POST', url: '/api/v1/shared-mailboxes' });
    expect(req.request.body).toEqual({
      address: 'sales@example.com', displayName: 'Sales', quotaBytes: 10737418240, quotaMessages: 0, forwardTo: [], keepForwardedCopy: true, copySent: false, enabled: true,
    });
    req.flush({ ...sales, copySent: false }, { status: 201, statusText: 'Created' });
    await settle(f);
  });

  it('puts a forwarding loop the server found under the forwarding field', async () => {
    const f = await render(SharedMailboxEditor, { id: 's1' });
    http.expectOne('/api/v1/shared-mailboxes/s1').flush(sales);
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [{ accountId: 's1', bytes: 0, messages: 0 }] });
    http.expectOne('/api/v1/shared-mailboxes/s1/grants').flush({ items: [] });
    await settle(f);
    type(f, 'textarea[formcontrolname=forwardTo]', 'info@example.com');
    button(f, 'Save').click();
    await settle(f);
    const req = http.expectOne({ method: 'PATCH', url: '/api/v1/shared-mailboxes/s1' });
    expect(req.request.body.address).toBeUndefined();
    flushProblem(req, problem('STOA_FORWARD_LOOP', 422, 'The forwarding leads back to this mailbox', {
      detail: 'forwarding to info@example.com leads back to sales@example.com', errors: [{ path: '/forwardTo', message: 'leads back to this mailbox' }],
    }));
    await settle(f);
    const error = (f.nativeElement as HTMLElement).querySelector('textarea[formcontrolname=forwardTo]')!.closest('mat-form-field')!.querySelector('mat-error');
    expect(error?.textContent).toContain('leads back to this mailbox');
  });

  it('converts back to a user account after confirmation, with the password given', async () => {
    const f = await render(SharedMailboxEditor, { id: 's1' });
    http.expectOne('/api/v1/shared-mailboxes/s1').flush(sales);
    await settle(f);
    http.expectOne((r) => r.url === '/api/v1/system/account-usage').flush({ items: [] });
    http.expectOne('/api/v1/shared-mailboxes/s1/grants').flush({ items: [] });
    await settle(f);
    type(f, 'input[formcontrolname=password]', 'short');
    button(f, 'Convert to user account').click();
    await settle(f);
    expect(text(f)).toContain('At least 8 characters');
    type(f, 'input[formcontrolname=password]', 'a-long-enough-password');
    button(f, 'Convert to user account').click();
    await settle(f);
    await confirmDialog(f, 'Convert');
    const req = http.expectOne({ method: 'POST', url: '/api/v1/shared-mailboxes/s1/convert-to-account' });
    expect(req.request.body).toEqual({ password: 'a-long-enough-password' });
    req.flush({ id: 's1', address: 'sales@example.com' });
    await settle(f);
  });

  it('says when the shared mailbox is outside your domains', async () => {
    const f = await render(SharedMailboxEditor, { id: 'elsewhere' });
    flushProblem(http.expectOne('/api/v1/shared-mailboxes/elsewhere'), problem('STOA_NOT_FOUND', 404, 'Not found'));
    await settle(f);
    expect(text(f)).toContain('outside the domains you administer');
  });
});
