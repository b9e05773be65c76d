import type { HttpTestingController } from '@angular/common/http/testing';
import { OutOfOfficePage } from './out-of-office-page';
import { button, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const view = {
  enabled: false, start: null, end: null, replyIntervalDays: 7,
  internal: { subject: '', message: '' }, external: { enabled: false, subject: '', message: '' },
  script: { name: 'stoa-out-of-office', active: false },
};

describe('OutOfOfficePage form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'accounts/:id', children: [] }]); });
  afterEach(() => http.verify());

  async function open(inputs: Record<string, unknown> = { id: 'acc1' }, url = '/api/v1/accounts/acc1/out-of-office') {
    const f = await render(OutOfOfficePage, inputs);
    if (!inputs['mine']) http.expectOne('/api/v1/accounts/acc1').flush({ id: 'acc1', address: 'jane@example.com' });
    http.expectOne(url).flush(view);
    await settle(f);
    return f;
  }

  it('sets a user\'s reply with its window as ISO instants and both messages', async () => {
    const f = await open();
    (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('mat-checkbox[formcontrolname=enabled] input')!.click();
    type(f, 'input[formcontrolname=start]', '2026-12-24T09:00');
    type(f, 'input[formcontrolname=end]', '2027-01-02T18:00');
    type(f, 'input[formcontrolname=internalSubject]', 'Away');
    type(f, 'textarea[formcontrolname=internalMessage]', 'Back on 3 January.');
    button(f, 'Save').click();
    await settle(f);
    const req = http.expectOne({ method: 'PUT', url: '/api/v1/accounts/acc1/out-of-office' });
    expect(req.request.body).toEqual({
      enabled: true, start: new Date('2026-12-24T09:00').toISOString(), end: new Date('2027-01-02T18:00').toISOString(), replyIntervalDays: 7,
      internal: { subject: 'Away', message: 'Back on 3 January.' }, external: { enabled: false, subject: '', message: '' },
    });
    req.flush({ ...view, ...req.request.body, script: { name: 'stoa-out-of-office', active: true } });
    await settle(f);
    expect(text(f)).toContain('For jane@example.com');
    expect(text(f)).toContain('Kept as the Sieve script "stoa-out-of-office" (active)');
  });

  it('refuses in the browser a window that ends before it starts, an empty reply, and an interval out of range', async () => {
    const f = await open();
    (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('mat-checkbox[formcontrolname=enabled] input')!.click();
    type(f, 'input[formcontrolname=replyIntervalDays]', '365');
    button(f, 'Save').click();
    await settle(f);
    expect(text(f)).toContain('At most 90');
    type(f, 'input[formcontrolname=replyIntervalDays]', '7');
    type(f, 'input[formcontrolname=start]', '2027-01-02T18:00');
    type(f, 'input[formcontrolname=end]', '2026-12-24T09:00');
    button(f, 'Save').click();
    await settle(f);
    expect(text(f)).toContain('Must come after the start');
    type(f, 'input[formcontrolname=end]', '');
    button(f, 'Save').click();
    await settle(f);
    expect(text(f)).toContain('Write the reply colleagues get');
    http.expectNone({ method: 'PUT' });
  });

  it('shows the server\'s refusal under the field it names', async () => {
    const f = await open();
    type(f, 'textarea[formcontrolname=internalMessage]', 'Away');
    button(f, 'Save').click();
    await settle(f);
    flushProblem(http.expectOne({ method: 'PUT', url: '/api/v1/accounts/acc1/out-of-office' }),
      problem('STOA_VALIDATION', 400, 'The request is not valid', { errors: [{ path: '/body/end', message: 'must come after start' }] }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('mat-error')?.textContent).toContain('must come after start');
  });

  it('edits the signed-in admin\'s own reply through /me/out-of-office', async () => {
    const f = await open({ mine: true }, '/api/v1/me/out-of-office');
    expect(text(f)).toContain('My out of office');
    type(f, 'textarea[formcontrolname=internalMessage]', 'Away');
    button(f, 'Save').click();
    await settle(f);
    http.expectOne({ method: 'PUT', url: '/api/v1/me/out-of-office' }).flush(view);
    await settle(f);
  });

  it('says the account does not exist, or is outside your domains', async () => {
    const f = await render(OutOfOfficePage, { id: 'other' });
    flushProblem(http.expectOne('/api/v1/accounts/other'), problem('STOA_NOT_FOUND', 404, 'No such object'));
    flushProblem(http.expectOne('/api/v1/accounts/other/out-of-office'), problem('STOA_NOT_FOUND', 404, 'No such object'));
    await settle(f);
    expect(text(f)).toContain('outside the domains you administer');
  });
});
