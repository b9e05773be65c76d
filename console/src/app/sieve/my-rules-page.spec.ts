import type { HttpTestingController } from '@angular/common/http/testing';
import { MyRulesPage } from './my-rules-page';
import { ruleFieldOf } from './rule-form';
import { button, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const existing = {
  name: 'Lists', enabled: true, match: 'any',
  conditions: { header: { name: 'List-Id', contains: 'dev.example' }, from: ['@lists.example'] },
  actions: { moveTo: 'Lists', stop: true },
};

describe('MyRulesPage form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup(); });
  afterEach(() => http.verify());

  async function open(rules: unknown[] = [existing]) {
    const f = await render(MyRulesPage);
    http.expectOne('/api/v1/me/rules').flush({ rules, script: { name: 'stoa-rules', active: true } });
    await settle(f);
    return f;
  }

  it('keeps a loaded rule as it was when saved unchanged, and adds a new one with only what it says', async () => {
    const f = await open();
    expect((f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('input[formcontrolname=headerName]')!.value).toBe('List-Id');
    button(f, 'Add rule').click();
    await settle(f);
    const names = (f.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>('input[formcontrolname=name]');
    names[1].value = 'Boss';
    names[1].dispatchEvent(new Event('input'));
    const froms = (f.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>('input[formcontrolname=from]');
    froms[1].value = 'boss@example.com, ceo@example.com';
    froms[1].dispatchEvent(new Event('input'));
    (f.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>('mat-checkbox[formcontrolname=flag] input')[1].click();
    button(f, 'Save rules').click();
    await settle(f);
    const req = http.expectOne({ method: 'PUT', url: '/api/v1/me/rules' });
    expect(req.request.body).toEqual({
      rules: [
        existing,
        { name: 'Boss', enabled: true, match: 'all', conditions: { from: ['boss@example.com', 'ceo@example.com'] }, actions: { flag: true } },
      ],
    });
    req.flush({ rules: req.request.body.rules, script: { name: 'stoa-rules', active: true } });
    await settle(f);
  });

  it('moves and removes rules, in the order they will run', async () => {
    const f = await open([existing, { ...existing, name: 'Second' }]);
    button(f, 'Down').click();
    await settle(f);
    const names = [...(f.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>('input[formcontrolname=name]')].map((i) => i.value);
    expect(names).toEqual(['Second', 'Lists']);
    [...(f.nativeElement as HTMLElement).querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Remove')!.click();
    await settle(f);
    button(f, 'Save rules').click();
    await settle(f);
    const req = http.expectOne({ method: 'PUT', url: '/api/v1/me/rules' });
    expect(req.request.body.rules.map((r: { name: string }) => r.name)).toEqual(['Lists']);
    req.flush({ rules: req.request.body.rules, script: { name: 'stoa-rules', active: true } });
    await settle(f);
  });

  it('checks addresses in the browser, and puts the server\'s field errors under the rule they concern', async () => {
    const f = await open();
    type(f, 'input[formcontrolname=forwardTo]', 'not-an-address');
    button(f, 'Save rules').click();
    await settle(f);
    expect(text(f)).toContain('"not-an-address" is not an address');
    http.expectNone({ method: 'PUT' });
    type(f, 'input[formcontrolname=forwardTo]', 'far@remote.example');
    button(f, 'Save rules').click();
    await settle(f);
    flushProblem(http.expectOne({ method: 'PUT', url: '/api/v1/me/rules' }),
      problem('STOA_FORBIDDEN', 403, 'You are not allowed to do this', { errors: [{ path: '/body/rules/0/actions/forwardTo', message: 'this domain does not allow forwarding outside the server' }] }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('mat-error')?.textContent).toContain('does not allow forwarding');
  });

  it('maps the server\'s field paths to the rule fields', () => {
    expect(ruleFieldOf('rules.2.conditions.header.name')).toEqual([2, 'headerName']);
    expect(ruleFieldOf('rules.0.conditions.header.contains')).toEqual([0, 'headerContains']);
    expect(ruleFieldOf('rules.1.actions.forwardTo.0')).toEqual([1, 'forwardTo']);
    expect(ruleFieldOf('rules.3.name')).toEqual([3, 'name']);
    expect(ruleFieldOf('rules.4')).toEqual([4, 'name']);
    expect(ruleFieldOf('other')).toBeNull();
  });
});
