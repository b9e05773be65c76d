import { TestBed } from '@angular/core/testing';
import type { HttpTestingController } from '@angular/common/http/testing';
import { Router } from '@angular/router';
import { SignIn } from './sign-in';
import { button, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const session = (role: string) => ({ account: { address: 'admin', role }, role, adminDomains: [], via: 'session' });

describe('SignIn form', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'dashboard', children: [] }, { path: 'sign-in', component: SignIn }]); });
  afterEach(() => http.verify());

  it('asks for both fields before sending anything', async () => {
    const f = await render(SignIn);
    button(f, 'Sign in').click();
    await settle(f);
    expect(text(f)).toContain('Enter your login');
    expect(text(f)).toContain('Enter your password');
    http.expectNone('/api/v1/session');
  });

  it('signs an admin in and opens the dashboard', async () => {
    const f = await render(SignIn);
    type(f, 'input[formcontrolname=username]', ' admin ');
    type(f, 'input[formcontrolname=password]', 'secret');
    button(f, 'Sign in').click();
    await settle(f);
    const req = http.expectOne({ method: 'POST', url: '/api/v1/session' });
    expect(req.request.body).toEqual({ username: 'admin', password: 'secret' });
    expect(req.request.headers.get('x-stoa-csrf')).toBe('1');
    req.flush(session('server-admin'));
    await settle(f);
    expect(TestBed.inject(Router).url).toBe('/dashboard');
  });

  it('says "wrong login or password" on a failed login and clears the password', async () => {
    const f = await render(SignIn);
    type(f, 'input[formcontrolname=username]', 'admin');
    type(f, 'input[formcontrolname=password]', 'nope');
    button(f, 'Sign in').click();
    await settle(f);
    flushProblem(http.expectOne('/api/v1/session'), problem('STOA_AUTH_FAILED', 401, 'Authentication failed'));
    await settle(f);
    expect(text(f)).toContain('Wrong login or password.');
    expect((f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('input[formcontrolname=password]')!.value).toBe('');
  });

  it('tells a throttled user how long to wait', async () => {
    const f = await render(SignIn);
    type(f, 'input[formcontrolname=username]', 'admin');
    type(f, 'input[formcontrolname=password]', 'nope');
    button(f, 'Sign in').click();
    await settle(f);
    http.expectOne('/api/v1/session').flush(problem('STOA_AUTH_THROTTLED', 429, 'Too many attempts'), { status: 429, statusText: 'Too Many Requests', headers: { 'retry-after': '30' } });
    await settle(f);
    expect(text(f)).toContain('Wait 30 seconds');
  });

  it('refuses a plain user and ends the session it just opened', async () => {
    const f = await render(SignIn);
    type(f, 'input[formcontrolname=username]', 'user@example.com');
    type(f, 'input[formcontrolname=password]', 'secret');
    button(f, 'Sign in').click();
    await settle(f);
    http.expectOne({ method: 'POST', url: '/api/v1/session' }).flush(session('user'));
    await settle(f);
    http.expectOne({ method: 'DELETE', url: '/api/v1/session' }).flush(null, { status: 204, statusText: 'No Content' });
    await settle(f);
    expect(text(f)).toContain('This console is for administrators');
  });
});
