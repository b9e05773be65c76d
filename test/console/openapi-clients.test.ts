// Every call the console makes is listed in a feature's *.endpoints.ts
// ("METHOD /path" under /api/v1); each must exist in the server's own
// OpenAPI document, so a renamed or removed route fails here, not in a
// browser. The clients' types come from shared/ (the schemas the server
// validates with), checked by the Angular compiler.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { REPO } from '../cli/run-stoa.ts';
import { type Harness, startApi } from '../api/harness.ts';

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, suffix) : e.name.endsWith(suffix) ? [p] : [];
  });
}
const endpointFiles = (dir: string) => filesUnder(dir, '.endpoints.ts');

describe('console API clients against /api/v1/openapi.json', () => {
  let h: Harness;
  let operations: Set<string>;
  before(async () => {
    h = await startApi(undefined, { queue: true });
    const doc = JSON.parse((await fetch(`${h.base}/api/v1/openapi.json`).then((r) => r.text())));
    operations = new Set(Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
  });
  after(() => h.close());

  const files = endpointFiles(join(REPO, 'console/src/app'));

  test('every feature folder has an endpoint table', () => {
    assert.ok(files.length >= 10, `found ${files.length} endpoint tables`);
  });

  for (const file of files) {
    test(`every call in ${file.slice(REPO.length + 1)} is a route of the server`, async () => {
      const mod = await import(pathToFileURL(file).href) as Record<string, Record<string, string>>;
      const tables = Object.values(mod);
      assert.ok(tables.length > 0);
      for (const table of tables) {
        for (const [name, endpoint] of Object.entries(table)) {
          const [method, path] = endpoint.split(' ');
          assert.ok(operations.has(`${method} /api/v1${path}`), `${name}: ${endpoint} is not in openapi.json`);
        }
      }
    });
  }

  test('no console code calls the API with a path of its own, around the endpoint tables', () => {
    // ApiHttp.get('/x') and friends take a path; features must use call(E.name) so the table above covers every call.
    const literal = /\.(get|post|put|patch|delete)(<[^>]*>)?\(\s*['`]\//;
    const offenders = filesUnder(join(REPO, 'console/src/app'), '.ts')
      .filter((f) => !f.endsWith('.spec.ts'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => [f, i + 1, line] as const))
      .filter(([, , line]) => literal.test(line))
      .map(([f, n, line]) => `${f.slice(REPO.length + 1)}:${n}: ${line.trim()}`);
    assert.deepEqual(offenders, []);
  });

  test('the live channel the console opens is served (WebSocket, outside the OpenAPI document)', async () => {
    const res = await fetch(`${h.base}/api/v1/live`);
    assert.equal(res.status, 401, 'the route exists and asks for a session');
  });
});
