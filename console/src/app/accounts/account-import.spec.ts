import type { HttpTestingController } from '@angular/common/http/testing';
import { AccountImport } from './account-import';
import { button, render, settle, setup, text, type } from '../../testing/harness';

const CSV = 'address\nann@example.com\nbroken\n';

describe('AccountImport form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  it('reports invalid rows of a dry run with line and field, and keeps Import disabled', async () => {
    const f = await render(AccountImport);
    type(f, 'textarea', CSV);
    await settle(f);
    button(f, 'Check (dry run)').click();
    await settle(f);
    const req = http.expectOne({ method: 'POST', url: '/api/v1/accounts/import' });
    expect(req.request.body).toEqual({ csv: CSV, dryRun: true });
    req.flush({ dryRun: true, total: 2, valid: 1, invalid: 1, created: 0, rows: [
      { line: 2, address: 'ann@example.com', status: 'valid', errors: [] },
      { line: 3, address: 'broken', status: 'invalid', errors: [{ field: 'address', message: 'must match pattern' }] },
    ] });
    await settle(f);
    expect(text(f)).toContain('Dry run: 1 of 2 rows valid, 1 invalid. Nothing was created.');
    expect(text(f)).toContain('address: must match pattern');
    expect(button(f, 'Import 1 account(s)').disabled).toBe(true);
  });

  it('imports only after a clean dry run of the same text', async () => {
    const f = await render(AccountImport);
    type(f, 'textarea', 'address\nann@example.com\n');
    await settle(f);
    button(f, 'Check (dry run)').click();
    await settle(f);
    http.expectOne('/api/v1/accounts/import').flush({ dryRun: true, total: 1, valid: 1, invalid: 0, created: 0, rows: [{ line: 2, address: 'ann@example.com', status: 'valid', errors: [] }] });
    await settle(f);
    type(f, 'textarea', 'address\nann@example.com\nbob@example.com\n');
    await settle(f);
    expect(button(f, 'Import 1 account(s)').disabled).toBe(true);
    type(f, 'textarea', 'address\nann@example.com\n');
    await settle(f);
    button(f, 'Import 1 account(s)').click();
    await settle(f);
    const req = http.expectOne('/api/v1/accounts/import');
    expect(req.request.body.dryRun).toBe(false);
    req.flush({ dryRun: false, total: 1, valid: 1, invalid: 0, created: 1, rows: [{ line: 2, address: 'ann@example.com', status: 'created', errors: [] }] });
    await settle(f);
    expect(text(f)).toContain('Created 1 of 1 accounts.');
  });

  it('shows a file-level problem (unknown column) from the server', async () => {
    const f = await render(AccountImport);
    type(f, 'textarea', 'mail\nann@example.com\n');
    await settle(f);
    button(f, 'Check (dry run)').click();
    await settle(f);
    http.expectOne('/api/v1/accounts/import').flush(
      { type: 'x', title: 'The request is not valid', status: 400, code: 'STOA_VALIDATION', errors: [{ path: '/body/csv', message: 'Unknown column "mail" on line 1' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(f);
    expect(text(f)).toContain('Unknown column "mail" on line 1');
  });
});
