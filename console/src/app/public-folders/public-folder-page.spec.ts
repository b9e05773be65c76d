import type { HttpTestingController } from '@angular/common/http/testing';
import { PublicFolderPage } from './public-folder-page';
import { button, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const folder = (id: string, name: string, address: string | null = null) => ({
  id, domainId: 'd1', name, messages: 2, createdAt: '2026-01-01T00:00:00.000Z', address, acceptExternal: false,
});

describe('PublicFolderPage address form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  async function openFolder() {
    const f = await render(PublicFolderPage);
    http.expectOne((r) => r.url === '/api/v1/domains').flush({ items: [{ id: 'd1', name: 'example.com', unicodeName: 'example.com' }], total: 1, offset: 0, limit: 500 });
    await settle(f);
    http.expectOne('/api/v1/domains/example.com/public-folders').flush({ items: [folder('f1', 'Invoices'), folder('f2', 'Sales', 'sales-pf@example.com')] });
    await settle(f);
    expect(text(f)).toContain('sales-pf@example.com');
    button(f, 'Invoices (2)').click();
    await settle(f);
    http.expectOne('/api/v1/domains/example.com/public-folders/f1/acl').flush({ items: [] });
    await settle(f);
    return f;
  }

  it('gives a folder an address, with a taken address shown under the field', async () => {
    const f = await openFolder();
    expect(text(f)).toContain('No address: the folder takes no mail.');
    type(f, 'input[formcontrolname=address]', 'not an address');
    button(f, 'Give it an address').click();
    await settle(f);
    expect(text(f)).toContain('Not in the expected form');
    http.expectNone('/api/v1/domains/example.com/public-folders/f1/address');

    type(f, 'input[formcontrolname=address]', 'info@example.com');
    (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('mat-checkbox[formcontrolname=acceptExternal] input')!.click();
    button(f, 'Give it an address').click();
    await settle(f);
    const taken = http.expectOne({ method: 'PUT', url: '/api/v1/domains/example.com/public-folders/f1/address' });
    expect(taken.request.body).toEqual({ address: 'info@example.com', acceptExternal: true });
    flushProblem(taken, problem('STOA_ADDRESS_TAKEN', 409, 'The address is already in use', { detail: 'info@example.com' }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('input[formcontrolname=address]')!.closest('mat-form-field')!.querySelector('mat-error')?.textContent)
      .toContain('The address is already in use');

    type(f, 'input[formcontrolname=address]', 'invoices@example.com');
    button(f, 'Give it an address').click();
    await settle(f);
    http.expectOne({ method: 'PUT', url: '/api/v1/domains/example.com/public-folders/f1/address' })
      .flush({ ...folder('f1', 'Invoices', 'invoices@example.com'), acceptExternal: true });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=folder-address]')?.textContent).toContain('Mail to invoices@example.com is filed here; senders from outside may post too');
  });
});
