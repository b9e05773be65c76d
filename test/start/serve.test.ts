// End to end: `node bin/stoa.js serve` on a fresh data directory prints the
// banner quickly, the printed admin password logs in over HTTP, and SIGTERM
// stops it cleanly. Start-up failures are one clear line, never a stack.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort, runStoa, startStoa, tempDir } from '../cli/run-stoa.ts';

const BANNER_END = 'Stop with Ctrl-C';
const root = tempDir('serve');
after(() => root.cleanup());

interface Running { child: ChildProcess; banner: string; ms: number; stderr: () => string }

function serve(env: Record<string, string>): Promise<Running> {
  const t0 = performance.now();
  const child = startStoa(['serve'], { env: { STOA_HTTP_HOST: '127.0.0.1', STOA_HTTP_PORT: '0', ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes(BANNER_END)) {
        resolve({ child, banner: stdout, ms: performance.now() - t0, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before the banner; stderr:\n${stderr}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const urlOf = (banner: string): string => /Web and API\s+(http:\/\/\S+\/)/.exec(banner)![1];

async function login(base: string, username: string, password: string): Promise<Response> {
  return fetch(`${base}api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

describe('stoa serve', { timeout: 600_000 }, () => {
  const dataDir = join(root.path, 'data');
  // As an operator prepares it: private (otherwise the banner warns about it).
  mkdirSync(dataDir, { mode: 0o700 });
  let firstPassword = '';

  // The 5-second start-up target is measured by test/bench/start/run.ts; here only the behaviour.
  test('first start prints the banner; the printed admin password logs in; SIGTERM stops it', async (t) => {
    const run = await serve({ STOA_DATA_DIR: dataDir });
    try {
      t.diagnostic(`banner after ${Math.round(run.ms)} ms`);
      const base = urlOf(run.banner);
      assert.match(run.banner, /API base\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1\//);
      assert.match(run.banner, /Health\s+http:\/\/127\.0\.0\.1:\d+\/healthz/);
      const password = /password\s+(\S+)\s+\(shown only this once/.exec(run.banner)?.[1];
      assert.ok(password, `no admin password in the banner:\n${run.banner}`);
      firstPassword = password;
      assert.match(run.banner, /Demo domain demo\.stoa\.test:\n\s+alice@demo\.stoa\.test\s+password \S+/);
      assert.match(run.banner, /curl -c stoa-cookies\.txt .*\/api\/v1\/session/);

      assert.equal((await fetch(`${base}healthz`)).status, 200);
      // The address the banner prints opens the admin console, not a JSON 404.
      const home = await fetch(base, { redirect: 'manual' });
      assert.equal(home.status, 302);
      assert.equal(home.headers.get('location'), '/admin/');
      assert.match(run.banner, /admin console: http:\/\/127\.0\.0\.1:\d+\/admin\//);
      const res = await login(base, 'admin', password);
      assert.equal(res.status, 200, await res.clone().text());
      assert.match(res.headers.get('set-cookie') ?? '', /stoa_session=/);
      assert.equal((await login(base, 'admin', `${password}x`)).status, 401);
      assert.ok(!run.stderr().includes(password), 'the password never reaches the log');
    } finally {
      assert.equal(await stop(run.child), 0, 'SIGTERM ends with exit code 0');
    }
  });

  test('a later start prints no password', async () => {
    const run = await serve({ STOA_DATA_DIR: dataDir });
    try {
      // No password line (a warning may still mention "password hashes" in the data directory).
      assert.ok(firstPassword && !run.banner.includes(firstPassword), run.banner);
      assert.doesNotMatch(run.banner, /^\s+(\S+\s+)?password\s{1,6}\S/m);
      assert.doesNotMatch(run.banner, /First start/);
      assert.doesNotMatch(run.banner, /readable or writable by other local users/);
    } finally {
      await stop(run.child);
    }
  });

  test('an admin password from STOA_ADMIN_PASSWORD is used and not printed', async () => {
    const fresh = join(root.path, 'env-password');
    mkdirSync(fresh);
    const secret = 'env-given-Passw0rd';
    const run = await serve({ STOA_DATA_DIR: fresh, STOA_ADMIN_PASSWORD: secret, STOA_DEMO: '0' });
    try {
      assert.ok(!run.banner.includes(secret));
      assert.match(run.banner, /the one in STOA_ADMIN_PASSWORD \(not shown\)/);
      assert.doesNotMatch(run.banner, /Demo domain/);
      assert.equal((await login(urlOf(run.banner), 'admin', secret)).status, 200);
    } finally {
      await stop(run.child);
    }
  });
});

describe('stoa serve refuses to start, with one clear line and exit code 1', { timeout: 600_000 }, () => {
  const noStack = (stderr: string): void => assert.doesNotMatch(stderr, /^\s+at /m, `stack trace printed:\n${stderr}`);

  test('when the configured data directory is missing', async () => {
    const missing = join(root.path, 'nowhere');
    const r = await runStoa(['serve'], { env: { STOA_DATA_DIR: missing, STOA_HTTP_PORT: '0' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: .*${missing} does not exist.*\\(STOA_DATA_DIR\\)$`, 'm'));
    noStack(r.stderr);
  });

  test('when the data directory is read-only', async () => {
    const ro = join(root.path, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    chmodSync(root.path, 0o755);
    // Root writes anywhere; run as nobody like a service account would.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534, cwd: '/tmp' } : {};
    const r = await runStoa(['serve'], { env: { STOA_DATA_DIR: ro, STOA_HTTP_PORT: '0' }, ...asNobody });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: .*${ro} is not writable`, 'm'));
    noStack(r.stderr);
  });

  test('when a setting is invalid', async () => {
    const r = await runStoa(['serve'], { env: { STOA_DATA_DIR: root.path, STOA_HTTP_PORT: '80a' } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'config error: listeners.http.port: must be an integer between 0 and 65535 (got "80a") from STOA_HTTP_PORT');
  });

  test('when the HTTP port is taken', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const dataDir = join(root.path, 'port-taken');
      mkdirSync(dataDir);
      const r = await runStoa(['serve'], { env: { STOA_DATA_DIR: dataDir, STOA_HTTP_HOST: '127.0.0.1', STOA_HTTP_PORT: String(port) } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^error: cannot listen for HTTP on 127\\.0\\.0\\.1:${port}: the port is taken`, 'm'));
      noStack(r.stderr);
    } finally {
      blocker.close();
    }
  });
});
