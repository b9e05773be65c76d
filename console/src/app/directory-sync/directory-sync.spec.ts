import type { HttpTestingController } from '@angular/common/http/testing';
import { ConnectionEditor } from './connection-editor';
import { ConnectionPage } from './connection-page';
import { DirectoryConnections } from './directory-connections';
import { button, confirmDialog, flushProblem, problem, render, settle, setup, text, type } from '../../testing/harness';

const counts = { create: 0, change: 0, disable: 0, enable: 0, missing: 0, return: 0, skip: 0, error: 0 };
const connection = (state: Record<string, unknown> = {}) => ({
  id: 'c1', name: 'corp-ad', description: '', enabled: true, kind: 'active-directory', servers: ['ldaps://dc1.example.com'],
  tls: { caPem: null, serverName: null, startTls: false, allowPlaintext: false }, bindDn: 'CN=stoa,DC=example,DC=com', bindPasswordEnv: null, bindPasswordSet: true,
  baseDn: 'DC=example,DC=com', groupBaseDn: null, connectTimeoutMs: 5000, timeoutMs: 30000, domains: ['example.com'], mapping: {}, roleMappings: [],
  sync: { enabled: true, intervalMinutes: 15, fullIntervalHours: 24, groups: true, groupAddressDomain: null }, authCacheSeconds: 0,
  state: { lastSyncAt: null, lastFullSyncAt: null, lastStatus: null, lastError: null, highWater: null, ...state },
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
});
const run = (extra: Record<string, unknown> = {}) => ({
  id: 'r1', connectionId: 'c1', mode: 'full', dryRun: true, trigger: 'manual', actor: 'admin', startedAt: '2026-01-02T10:00:00.000Z', finishedAt: '2026-01-02T10:00:01.000Z',
  status: 'ok', error: null, server: 'ldaps://dc1.example.com', users: 3, groups: 1, counts: { ...counts, create: 2, skip: 1 },
  changes: [{ kind: 'create', object: 'account', address: 'ann@example.com', dn: 'CN=Ann,DC=example,DC=com', detail: 'new' }], ...extra,
});

describe('Directory connections', () => {
  let http: HttpTestingController;
  beforeEach(() => { http = setup([{ path: 'directory-sync/:id', children: [] }, { path: 'settings', children: [] }]); });
  afterEach(() => http.verify());

  it('lists each connection with the state of its last sync on the settings page, or says the directory is local', async () => {
    const f = await render(DirectoryConnections);
    http.expectOne('/api/v1/directory/connections').flush({ items: [connection({ lastSyncAt: '2026-01-02T10:00:00.000Z', lastStatus: 'failed', lastError: 'STOA_DIRECTORY_UNREACHABLE' })] });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=sync-state]')?.textContent).toMatch(/^Sync failed .*: STOA_DIRECTORY_UNREACHABLE$/);
    const empty = await render(DirectoryConnections);
    http.expectOne('/api/v1/directory/connections').flush({ items: [] });
    await settle(empty);
    expect(text(empty)).toContain('Local directory only');
  });

  it('creates a connection from the form, servers one per line, and shows a refused URL under the servers field', async () => {
    const f = await render(ConnectionEditor);
    type(f, 'input[formcontrolname=name]', 'Corp AD');
    button(f, 'Create connection').click();
    await settle(f);
    expect(text(f)).toContain('Not in the expected form');
    http.expectNone('/api/v1/directory/connections');
    type(f, 'input[formcontrolname=name]', 'corp-ad');
    type(f, 'textarea[formcontrolname=servers]', 'ldaps://dc1.example.com\nldap://dc2.example.com');
    type(f, 'input[formcontrolname=bindDn]', 'CN=stoa,DC=example,DC=com');
    type(f, 'input[formcontrolname=bindPassword]', 'bind-secret');
    type(f, 'input[formcontrolname=baseDn]', 'DC=example,DC=com');
    type(f, 'input[formcontrolname=domains]', 'example.com');
    button(f, 'Create connection').click();
    await settle(f);
    const req = http.expectOne({ method: 'POST', url: '/api/v1/directory/connections' });
    expect(req.request.body).toMatchObject({
      name: 'corp-ad', kind: 'active-directory', servers: ['ldaps://dc1.example.com', 'ldap://dc2.example.com'], bindDn: 'CN=stoa,DC=example,DC=com',
      bindPassword: 'bind-secret', baseDn: 'DC=example,DC=com', domains: ['example.com'], sync: { enabled: true, intervalMinutes: 15, fullIntervalHours: 24, groups: true },
    });
    flushProblem(req, problem('STOA_VALIDATION', 400, 'The request is not valid', { errors: [{ path: '/body/servers/1', message: 'ldap:// needs startTls or allowPlaintext' }] }));
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('textarea[formcontrolname=servers]')!.closest('mat-form-field')!.querySelector('mat-error')?.textContent)
      .toContain('servers.1: ldap:// needs startTls or allowPlaintext');
  });

  async function openPage() {
    const f = await render(ConnectionPage, { id: 'c1' });
    http.expectOne('/api/v1/directory/connections/c1').flush(connection());
    await settle(f);
    const runs = http.expectOne((r) => r.url === '/api/v1/directory/connections/c1/runs');
    expect(runs.request.params.get('limit')).toBe('20');
    runs.flush({ items: [], total: 0, offset: 0, limit: 20 });
    await settle(f);
    return f;
  }

  it('tests the connection and shows each step with the sample entries', async () => {
    const f = await openPage();
    expect(text(f)).toContain('Never synced');
    button(f, 'Test the connection').click();
    await settle(f);
    http.expectOne({ method: 'POST', url: '/api/v1/directory/connections/c1/test' }).flush({
      ok: false, server: 'ldaps://dc1.example.com', users: null, groups: null, samples: [],
      steps: [{ step: 'connect', ok: true, detail: 'TLS 1.3' }, { step: 'bind', ok: false, detail: 'STOA_DIRECTORY_BIND: invalid credentials' }],
    });
    await settle(f);
    expect(text(f)).toContain('Connection test: failed');
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=test-steps]')?.textContent).toContain('failed bind: STOA_DIRECTORY_BIND: invalid credentials');
  });

  it('runs a dry run without asking, a real sync only after confirmation, and shows the report', async () => {
    const f = await openPage();
    button(f, 'Show what would change').click();
    await settle(f);
    const dry = http.expectOne({ method: 'POST', url: '/api/v1/directory/connections/c1/sync' });
    expect(dry.request.body).toEqual({ mode: 'full', dryRun: true });
    dry.flush(run());
    await settle(f);
    http.expectOne('/api/v1/directory/connections/c1').flush(connection());
    http.expectOne((r) => r.url === '/api/v1/directory/connections/c1/runs').flush({ items: [run()], total: 1, offset: 0, limit: 20 });
    await settle(f);
    expect((f.nativeElement as HTMLElement).querySelector('[data-testid=run-summary]')?.textContent).toContain('Nothing was changed. 2 create, 1 skip');

    (f.nativeElement as HTMLElement).querySelector<HTMLInputElement>('mat-checkbox[formcontrolname=dryRun] input')!.click();
    await settle(f);
    button(f, 'Sync now').click();
    await settle(f);
    await confirmDialog(f, 'Sync');
    const real = http.expectOne({ method: 'POST', url: '/api/v1/directory/connections/c1/sync' });
    expect(real.request.body).toEqual({ mode: 'full', dryRun: false });
    flushProblem(real, problem('STOA_SYNC_RUNNING', 409, 'A sync of this directory is already running'));
    await settle(f);
  });

  it('saves settings without resending the stored bind password', async () => {
    const f = await openPage();
    type(f, 'input[formcontrolname=intervalMinutes]', '30');
    button(f, 'Save').click();
    await settle(f);
    const req = http.expectOne({ method: 'PATCH', url: '/api/v1/directory/connections/c1' });
    expect(req.request.body.bindPassword).toBeUndefined();
    expect(req.request.body.name).toBeUndefined();
    expect(req.request.body.sync).toEqual({ enabled: true, intervalMinutes: 30, fullIntervalHours: 24, groups: true });
    req.flush(connection());
    await settle(f);
  });
});
