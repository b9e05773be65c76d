import type { HttpTestingController } from '@angular/common/http/testing';
import { DomainSievePage } from './domain-sieve-page';
import { button, flushProblem, problem, render, settle, setup, type } from '../../testing/harness';

describe('DomainSievePage form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'domains/:id', children: [] }]); });
  afterEach(() => http.verify());

  it('saves the global script and the redirect policy; an empty script removes it', async () => {
    const f = await render(DomainSievePage, { id: 'example.com' });
    http.expectOne('/api/v1/domains/example.com/sieve').flush({ script: 'keep;', allowExternalRedirect: false });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector<HTMLTextAreaElement>('textarea')!.value).toBe('keep;');
    type(f, 'textarea[formcontrolname=script]', '   ');
    (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('mat-checkbox[formcontrolname=allowExternalRedirect] input')!.click();
    button(f, 'Save').click();
    await settle(f);
    const req = http.expectOne({ method: 'PUT', url: '/api/v1/domains/example.com/sieve' });
    expect(req.request.body).toEqual({ script: null, allowExternalRedirect: true });
    req.flush({ script: null, allowExternalRedirect: true });
    await settle(f);
  });

  it('puts a compile error, with its line and column, under the script', async () => {
    const f = await render(DomainSievePage, { id: 'example.com' });
    http.expectOne('/api/v1/domains/example.com/sieve').flush({ script: null, allowExternalRedirect: false });
    await settle(f);
    type(f, 'textarea[formcontrolname=script]', 'if true { fileinto "x" }');
    button(f, 'Save').click();
    await settle(f);
    flushProblem(http.expectOne({ method: 'PUT', url: '/api/v1/domains/example.com/sieve' }),
      problem('STOA_SIEVE_INVALID', 422, 'The Sieve script is not valid', { detail: 'line 1, column 23: expected ";"', errors: [{ path: '/content', message: 'line 1, column 23: expected ";"' }] }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('mat-error')?.textContent).toContain('line 1, column 23');
    expect((f.nativeElement as HTMLElement).querySelector('[role=alert]')).toBeNull();
  });
});
