// The console as the server serves it: / redirects to /admin/, index.html is
// revalidated every time, hashed assets are cached for a year, everything is
// sent pre-compressed, deep links get the page, and CSP forbids framing.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startApi } from '../api/harness.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from './console-build.ts';

/** A raw GET (fetch would decompress and hide Content-Encoding). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

describe('the console site at /admin', () => {
  let h: Harness;
  before(async () => {
    ensureConsoleBuilt();
    h = await startApi((c) => { c.console.distDir = CONSOLE_DIST; });
  });
  after(() => h.close());

  test('/ redirects to the console (the address the start-up banner prints)', async () => {
    const res = await get(h.base, '/');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, '/admin/');
  });

  test('index.html is revalidated every time and carries the CSP that forbids framing', async () => {
    for (const path of ['/admin/', '/admin']) {
      const res = await get(h.base, path);
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'(;|$)/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.match(res.body.toString(), /<base href="\/admin\/">/);
    }
  });

  test('hashed assets are cached as immutable and sent brotli- or gzip-compressed', async () => {
    const main = readdirSync(CONSOLE_DIST).find((f) => /^main-.*\.js$/.test(f))!;
    const br = await get(h.base, `/admin/${main}`, { 'accept-encoding': 'br, gzip' });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    const gz = await get(h.base, `/admin/${main}`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const plain = await get(h.base, `/admin/${main}`);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(br.body.length < plain.body.length);
  });

  test('deep links get the page; a missing asset is a 404, never HTML', async () => {
    const deep = await get(h.base, '/admin/domains/example.com');
    assert.equal(deep.status, 200);
    assert.match(deep.body.toString(), /<stoa-root>/);
    const missing = await get(h.base, '/admin/main-NOTTHERE.js');
    assert.equal(missing.status, 404);
    assert.doesNotMatch(String(missing.headers['content-type']), /html/);
  });

  test('the console files are not part of the API document', async () => {
    const doc = JSON.parse((await get(h.base, '/api/v1/openapi.json')).body.toString());
    assert.ok(Object.keys(doc.paths).every((p) => !p.startsWith('/admin') && p !== '/'));
  });
});

describe('the console site before a build', () => {
  let h: Harness;
  let empty: string;
  before(async () => {
    empty = mkdtempSync(join(tmpdir(), 'stoa-no-console-'));
    h = await startApi((c) => { c.console.distDir = empty; });
  });
  after(async () => {
    await h.close();
    rmSync(empty, { recursive: true, force: true });
  });

  test('says how to build it instead of a JSON 404', async () => {
    const res = await get(h.base, '/admin/accounts');
    assert.equal(res.status, 503);
    assert.match(res.body.toString(), /npm run build/);
    assert.equal((await get(h.base, '/')).headers.location, '/admin/');
  });
});
