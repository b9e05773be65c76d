// Modules that only one feature needs are loaded at that feature's first use,
// not when `stoa serve` starts: every module loaded stays in the heap as its
// source text, bytecode and objects, which is idle memory (issue 8: idle RSS
// ≤ 150 MiB). typebox/value (some 300 modules) is used only by the CSV
// account import. Ajv and fast-json-stringify (some 240 modules) are loaded
// when the first route schema is compiled, at that route's first request
// (server/src/protocols/http/schema-compilers.ts). ldapts when a directory
// connection is first used, ical.js when a calendar object is first parsed
// or built (server/src/model/lazy-module.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lazyModule } from '../../server/src/model/lazy-module.ts';
import { serveStoa, tempDir, type Served } from './run-stoa.ts';

const REPO = join(import.meta.dirname, '..', '..');

test('loading the composition root does not load modules that only one rarely used feature needs', () => {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, ctx, next) { loaded.push(url); return next(url, ctx); } });
    await import(${JSON.stringify(join(REPO, 'server/src/services.ts'))});
    process.stdout.write(JSON.stringify(loaded));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const loaded = JSON.parse(run.stdout) as string[];
  assert.ok(loaded.some((u) => u.includes('/server/src/directory/account-bulk.ts')), 'the probe sees the bulk service load');
  assert.deepEqual(loaded.filter((u) => u.includes('/typebox/build/value/')), [], 'typebox/value is loaded at the first CSV import');
});

test('a package loaded at first use is the module a static import gives', async () => {
  const ical = lazyModule<typeof import('ical.js')>('ical.js');
  const ldapts = lazyModule<typeof import('ldapts')>('ldapts');
  assert.equal(ical(), ical(), 'loaded once');
  assert.equal(ical().default, (await import('ical.js')).default);
  assert.equal(ldapts().InvalidCredentialsError, (await import('ldapts')).InvalidCredentialsError, 'the same classes, so instanceof holds');
});

/** Packages `stoa serve` must not have loaded at start: only the feature that needs them loads them. */
const NOT_AT_START: Record<string, RegExp> = {
  'LDAP client (ldapts)': /\/node_modules\/ldapts\//,
  'iCalendar (ical.js)': /\/node_modules\/ical\.js\//,
};

/** Packages `stoa serve` must not have loaded before the first API request, which loads them. */
const LAZY: Record<string, RegExp> = {
  'route validators (Ajv)': /\/node_modules\/(ajv|ajv-formats|@fastify\/ajv-compiler)\//,
  // Fastify's own error serializer, loaded at start, is code fast-json-stringify generated and needs only its lib/serializer.js.
  'route serializers (fast-json-stringify)': /\/node_modules\/(fast-json-stringify\/index\.js|@fastify\/fast-json-stringify-compiler\/)/,
};

describe('a started `stoa serve` (demo, first start) before any request', () => {
  const dir = tempDir('lazy-modules');
  const report = join(dir.path, 'modules.json');
  let server: Served;
  let http: string;
  /** The modules the server has loaded so far (asked for by signal, written by a loader hook in the server). */
  async function loaded(): Promise<string[]> {
    writeFileSync(report, '');
    server.child.kill('SIGUSR2');
    for (;;) {
      const text = readFileSync(report, 'utf8');
      if (text) return JSON.parse(text) as string[];
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  before(async () => {
    const hook = join(dir.path, 'hook.mjs');
    writeFileSync(hook, `
      import { registerHooks } from 'node:module';
      import { writeFileSync } from 'node:fs';
      const loaded = [];
      registerHooks({ load(url, ctx, next) { loaded.push(url); return next(url, ctx); } });
      process.on('SIGUSR2', () => writeFileSync(${JSON.stringify(report)}, JSON.stringify(loaded)));
    `);
    mkdirSync(join(dir.path, 'data'), { mode: 0o700 });
    server = await serveStoa({
      NODE_OPTIONS: `--import ${hook}`, STOA_DATA_DIR: join(dir.path, 'data'), STOA_DEMO: '1',
      STOA_DEMO_PASSWORD: 'tulip-harbour-92', STOA_ADMIN_PASSWORD: 'tulip-harbour-92', STOA_DNS_SERVERS: '127.0.0.1:9',
    });
    http = /Web and API\s+(http:\/\/\S+?)\/?\s/.exec(server.banner)![1];
  });
  after(async () => {
    await server?.stop();
    dir.cleanup();
  });

  test('has loaded none of the packages that only a first use needs; the first API request loads them', async () => {
    const atStart = await loaded();
    assert.ok(atStart.some((u) => u.includes('/node_modules/fastify/')), 'the probe sees the server load');
    for (const [what, pattern] of Object.entries({ ...NOT_AT_START, ...LAZY })) {
      assert.deepEqual(atStart.filter((u) => pattern.test(u)), [], `${what}: loaded at start`);
    }
    // A login with a wrong password: its body is validated, its 401 problem serialized as a string (problem.ts).
    const login = await fetch(`${http}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'wrong' }) });
    assert.equal(login.status, 401);
    const health = await fetch(`${http}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const afterRequests = await loaded();
    for (const [what, pattern] of Object.entries(LAZY)) {
      assert.ok(afterRequests.some((u) => pattern.test(u)), `${what}: loaded by the first requests`);
    }
  });
});
