// Probes, metrics and the OpenAPI document.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, type Harness, startApi } from './harness.ts';

describe('admin API health, metrics and OpenAPI', () => {
  let h: Harness;
  let anon: Client;
  before(async () => {
    h = await startApi();
    await h.seedAccount('root@ops.example', 'server-admin');
    anon = new Client(h.base);
  });
  after(async () => h.close());

  test('/healthz and /readyz answer 200 {status:"ok"} while the store is up', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await anon.get(path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.body, { status: 'ok' });
    }
  });

  test('openapi.json is an OpenAPI 3 document listing every route, with cookie and bearer security', async () => {
    const res = await anon.get('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    const doc = JSON.parse(res.text);
    assert.match(doc.openapi, /^3\./);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'cookie']);
    assert.equal(doc.components.securitySchemes.cookie.name, 'stoa_session');

    const expected = [
      'POST /api/v1/session', 'GET /api/v1/session', 'DELETE /api/v1/session',
      'POST /api/v1/tokens', 'GET /api/v1/tokens', 'DELETE /api/v1/tokens/{id}',
      'GET /api/v1/me', 'PATCH /api/v1/me', 'PUT /api/v1/me/password',
      'GET /api/v1/me/app-passwords', 'POST /api/v1/me/app-passwords', 'DELETE /api/v1/me/app-passwords/{appId}',
      'PUT /api/v1/accounts/{id}/password', 'PUT /api/v1/accounts/{id}/role',
      'GET /api/v1/accounts/{id}/app-passwords', 'POST /api/v1/accounts/{id}/app-passwords', 'DELETE /api/v1/accounts/{id}/app-passwords/{appId}',
      'GET /api/v1/domains/{id}/dkim', 'POST /api/v1/domains/{id}/dkim/rotate',
      ...['accounts', 'shared-mailboxes'].flatMap((owner) => [
        `GET /api/v1/${owner}/{id}/collections`, `POST /api/v1/${owner}/{id}/collections`,
        `PATCH /api/v1/${owner}/{id}/collections/{collectionId}`, `DELETE /api/v1/${owner}/{id}/collections/{collectionId}`,
        `GET /api/v1/${owner}/{id}/collections/{collectionId}/shares`, `PUT /api/v1/${owner}/{id}/collections/{collectionId}/shares/{grantee}`,
        `DELETE /api/v1/${owner}/{id}/collections/{collectionId}/shares/{grantee}`,
        `GET /api/v1/${owner}/{id}/delegations`, `PUT /api/v1/${owner}/{id}/delegations/{grantee}`, `DELETE /api/v1/${owner}/{id}/delegations/{grantee}`,
      ]),
      'GET /api/v1/me/collections', 'PUT /api/v1/me/collections/{collectionId}/shares/{grantee}', 'DELETE /api/v1/me/collections/{collectionId}/shares/{grantee}',
      'PUT /api/v1/me/delegations/{grantee}', 'DELETE /api/v1/me/delegations/{grantee}',
      'GET /api/v1/audit', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /api/v1/openapi.json',
      'GET /api/v1/domains/{id}/public-folders', 'POST /api/v1/domains/{id}/public-folders',
      'GET /api/v1/domains/{id}/public-folders/{folderId}', 'PATCH /api/v1/domains/{id}/public-folders/{folderId}',
      'DELETE /api/v1/domains/{id}/public-folders/{folderId}', 'GET /api/v1/domains/{id}/public-folders/{folderId}/acl',
      'GET /api/v1/directory/connections', 'POST /api/v1/directory/connections', 'GET /api/v1/directory/connections/{id}',
      'PATCH /api/v1/directory/connections/{id}', 'DELETE /api/v1/directory/connections/{id}', 'POST /api/v1/directory/connections/{id}/test',
      'POST /api/v1/directory/connections/{id}/sync', 'GET /api/v1/directory/connections/{id}/runs', 'POST /api/v1/directory/accounts/{id}/resolve',
      'PUT /api/v1/domains/{id}/public-folders/{folderId}/acl/{grantee}', 'DELETE /api/v1/domains/{id}/public-folders/{folderId}/acl/{grantee}',
      'GET /api/v1/me/rules', 'PUT /api/v1/me/rules', 'GET /api/v1/me/out-of-office', 'PUT /api/v1/me/out-of-office',
      'GET /api/v1/me/sieve/scripts', 'GET /api/v1/me/sieve/scripts/{name}', 'PUT /api/v1/me/sieve/scripts/{name}', 'DELETE /api/v1/me/sieve/scripts/{name}',
      'PUT /api/v1/me/sieve/active', 'POST /api/v1/me/sieve/check',
      'GET /api/v1/accounts/{id}/out-of-office', 'PUT /api/v1/accounts/{id}/out-of-office', 'GET /api/v1/domains/{id}/sieve', 'PUT /api/v1/domains/{id}/sieve',
      'GET /api/v1/filter/quarantine', 'GET /api/v1/filter/quarantine/{id}', 'GET /api/v1/filter/quarantine/{id}/message',
      'POST /api/v1/filter/quarantine/{id}/release', 'DELETE /api/v1/filter/quarantine/{id}',
      'GET /api/v1/filter/verdicts', 'GET /api/v1/filter/verdicts/{id}', 'GET /api/v1/filter/rules', 'POST /api/v1/filter/train',
      'GET /api/v1/me/quarantine', 'POST /api/v1/me/quarantine/{id}/release', 'DELETE /api/v1/me/quarantine/{id}', 'POST /api/v1/me/filter/train',
      'POST /api/v1/accounts/bulk', 'POST /api/v1/accounts/import', 'GET /api/v1/domains/{id}/dns',
      'GET /api/v1/system', 'GET /api/v1/system/settings', 'GET /api/v1/system/storage', 'GET /api/v1/system/account-usage',
      'GET /api/v1/shared-mailboxes/{id}/grants', 'POST /api/v1/shared-mailboxes/{id}/grants', 'DELETE /api/v1/shared-mailboxes/{id}/grants/{grantId}',
      'GET /api/v1/accounts/{id}/grants', 'POST /api/v1/accounts/{id}/grants', 'DELETE /api/v1/accounts/{id}/grants/{grantId}',
      'POST /api/v1/shared-mailboxes/{id}/convert-to-account', 'POST /api/v1/accounts/{id}/convert-to-shared', 'GET /api/v1/accounts/{id}/delegated-access',
      'GET /api/v1/me/grants', 'POST /api/v1/me/grants', 'DELETE /api/v1/me/grants/{grantId}', 'GET /api/v1/me/delegated-access',
      'PUT /api/v1/domains/{id}/public-folders/{folderId}/address', 'DELETE /api/v1/domains/{id}/public-folders/{folderId}/address',
      'POST /api/v1/migrations', 'GET /api/v1/migrations', 'GET /api/v1/migrations/{id}', 'POST /api/v1/migrations/{id}/cancel',
    ];
    for (const kind of ['domains', 'accounts', 'groups', 'aliases', 'resources', 'shared-mailboxes']) {
      expected.push(`POST /api/v1/${kind}`, `GET /api/v1/${kind}`, `GET /api/v1/${kind}/{id}`, `PATCH /api/v1/${kind}/{id}`, `DELETE /api/v1/${kind}/{id}`);
    }
    const listed = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual([...listed].sort(), [...expected].sort());

    // Every operation documents its problem responses, and public ones need no credential.
    for (const [p, ops] of Object.entries<Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        assert.ok(op.responses['4XX'] ?? op.responses['4xx'], `${m} ${p} documents 4xx`);
      }
    }
    assert.deepEqual(doc.paths['/api/v1/session'].post.security, []);
    assert.equal(doc.paths['/api/v1/domains'].post.security, undefined, 'inherits the global cookie/bearer security');
    assert.ok(doc.paths['/api/v1/domains'].post.requestBody);
    assert.ok(doc.paths['/api/v1/accounts'].get.parameters.some((x: { name: string }) => x.name === 'limit'));
  });

  test('/metrics exposes request, duration, auth and process metrics in Prometheus text', async () => {
    const root = await h.login('root@ops.example');
    await new Client(h.base).post('/api/v1/session', { username: 'root@ops.example', password: 'wrong password' });
    await root.get('/api/v1/domains');
    await root.get('/api/v1/domains/nothing.example');
    const res = await anon.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain/);
    const text = res.text;
    assert.match(text, /stoa_http_requests_total\{method="GET",route="\/api\/v1\/domains",status="200"\} [1-9]/);
    assert.match(text, /stoa_http_requests_total\{method="GET",route="\/api\/v1\/domains\/:id",status="404"\} [1-9]/);
    assert.match(text, /stoa_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/domains",status="200"\}/);
    assert.match(text, /stoa_auth_attempts_total\{protocol="api",result="success"\} [1-9]/);
    assert.match(text, /stoa_auth_attempts_total\{protocol="api",result="failed"\} [1-9]/);
    assert.match(text, /process_cpu_user_seconds_total/);
    assert.match(text, /nodejs_heap_size_total_bytes/);
  });

  test('two servers in one process keep separate metrics', async () => {
    const other = await startApi();
    try {
      assert.equal((await new Client(other.base).get('/metrics')).status, 200);
      assert.notEqual(other.app.metrics.registry, h.app.metrics.registry);
    } finally {
      await other.close();
    }
  });
});
