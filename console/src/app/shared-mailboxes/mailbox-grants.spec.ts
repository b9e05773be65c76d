import type { HttpTestingController } from '@angular/common/http/testing';
import { MailboxGrants } from './mailbox-grants';
import { DelegatedAccessView } from './delegated-access';
import { button, confirmDialog, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const grant = (id: string, address: string | null, right: string, kind = 'account') => ({
  id, mailbox: { kind: 'shared-mailbox', id: 's1', address: 'sales@example.com' }, grantee: { kind, id: `g-${id}`, address }, right, createdAt: '2026-01-02T00:00:00.000Z',
});

/** Who and right of each grant row, as shown. */
function rows(f: Parameters<typeof settle>[0]): string[][] {
  return [...(f.nativeElement as HTMLElement).querySelectorAll('tbody tr[data-right]')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent!.trim()));
}

describe('MailboxGrants table and form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  async function open(kind: 'shared-mailbox' | 'account' = 'shared-mailbox', id = 's1') {
    const f = await render(MailboxGrants, { kind, mailboxId: id, address: 'sales@example.com' });
    return { f, list: http.expectOne(kind === 'shared-mailbox' ? `/api/v1/shared-mailboxes/${id}/grants` : `/api/v1/accounts/${id}/grants`) };
  }

  it('lists who holds which right in words, a group marked as such and a deleted grantee named', async () => {
    const { f, list } = await open();
    list.flush({ items: [grant('1', 'team@example.com', 'full-access', 'group'), grant('2', 'bob@example.com', 'send-as'), grant('3', null, 'send-on-behalf')] });
    await settle(f);
    expect(rows(f)).toEqual([
      ['team@example.com · group', 'Full access'], ['bob@example.com', 'Send as'], ['(deleted account)', 'Send on behalf'],
    ]);
  });

  it('grants a right to an address, and puts "no such account or group" under the field', async () => {
    const { f, list } = await open();
    list.flush({ items: [] });
    await settle(f);
    expect(text(f)).toContain('Nobody holds a grant on this mailbox.');
    button(f, 'Grant').click();
    await settle(f);
    expect(text(f)).toContain('Required');
    http.expectNone('/api/v1/shared-mailboxes/s1/grants');

    type(f, '[data-testid=grant-grantee]', 'ghost@example.com');
    button(f, 'Grant').click();
    await settle(f);
    const refused = http.expectOne({ method: 'POST', url: '/api/v1/shared-mailboxes/s1/grants' });
    expect(refused.request.body).toEqual({ grantee: 'ghost@example.com', right: 'full-access' });
    flushProblem(refused, problem('STOA_INVALID_REFERENCE', 422, 'A referenced object does not exist', {
      detail: 'no account or group "ghost@example.com" you can grant to', errors: [{ path: '/grantee', message: 'unknown account or group' }],
    }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('mat-error')?.textContent).toContain('no account or group "ghost@example.com" you can grant to');

    type(f, '[data-testid=grant-grantee]', ' bob@example.com ');
    button(f, 'Grant').click();
    await settle(f);
    const ok = http.expectOne({ method: 'POST', url: '/api/v1/shared-mailboxes/s1/grants' });
    expect(ok.request.body).toEqual({ grantee: 'bob@example.com', right: 'full-access' });
    ok.flush(grant('9', 'bob@example.com', 'full-access'), { status: 201, statusText: 'Created' });
    await settle(f);
    expect(rows(f)).toEqual([['bob@example.com', 'Full access']]);
  });

  it('says the grantee already holds the right when the server answers 409', async () => {
    const { f, list } = await open('account', 'acc1');
    list.flush({ items: [grant('1', 'bob@example.com', 'full-access')] });
    await settle(f);
    type(f, '[data-testid=grant-grantee]', 'bob@example.com');
    button(f, 'Grant').click();
    await settle(f);
    flushProblem(http.expectOne({ method: 'POST', url: '/api/v1/accounts/acc1/grants' }), problem('STOA_CONFLICT', 409, 'The object changed or is in use'));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('mat-error')?.textContent).toContain('Already holds full access on this mailbox');
  });

  it('takes a grant away after confirmation', async () => {
    const { f, list } = await open();
    list.flush({ items: [grant('1', 'bob@example.com', 'send-as')] });
    await settle(f);
    (f.nativeElement as HTMLElement).querySelector<HTMLButtonElement>('button[aria-label="Take Send as away from bob@example.com"]')!.click();
    await settle(f);
    await confirmDialog(f, 'Take away');
    http.expectOne({ method: 'DELETE', url: '/api/v1/shared-mailboxes/s1/grants/1' }).flush(null, { status: 204, statusText: 'No Content' });
    await settle(f);
    expect(text(f)).toContain('Nobody holds a grant on this mailbox.');
  });
});

describe('DelegatedAccessView', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  it('shows what a user can open and send as, and through which grant', async () => {
    const f = await render(DelegatedAccessView, { accountId: 'acc1' });
    http.expectOne('/api/v1/accounts/acc1/delegated-access').flush({
      open: [{ mailbox: { kind: 'shared-mailbox', id: 's1', address: 'sales@example.com' }, via: [{ kind: 'group', id: 'g1', address: 'team@example.com' }] }],
      sendAs: [{ mailbox: { kind: 'account', id: 'boss', address: 'boss@example.com' }, via: [{ kind: 'account', id: 'acc1', address: 'ann@example.com' }] }],
      sendOnBehalf: [],
    });
    await settle(f);
    const el = f.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid=access-open]')?.textContent).toContain('sales@example.com (through team@example.com)');
    expect(el.querySelector('[data-testid=access-sendAs]')?.textContent).toContain('boss@example.com (directly)');
    expect(el.querySelector('[data-testid=access-sendOnBehalf]')?.textContent).toContain('None');
    expect(el.querySelector('[data-testid=access-open] a')?.getAttribute('href')).toBe('/shared-mailboxes/s1');
  });
});
