// docs/cli.md: "SQLite allows the CLI and a running server to share the data
// directory." A real `stoa serve` takes a burst of admin API writes while
// eight CLI processes open the same store at once (each one opening,
// migration check and closing included): every command succeeds, none meets
// "database is locked", and everything written by either side is there.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runStoa, startStoa, tempDir, type RunResult } from './run-stoa.ts';

const ADMIN_PASSWORD = 'concurrent-Admin-Passw0rd';
const BANNER_END = 'Stop with Ctrl-C';

const root = tempDir('cli-concurrent');
after(() => root.cleanup());
const dataDir = join(root.path, 'data');
mkdirSync(dataDir);
const env = { STOA_DATA_DIR: dataDir, STOA_HTTP_HOST: '127.0.0.1', STOA_DEMO: '0', STOA_ADMIN_PASSWORD: ADMIN_PASSWORD };

interface Served { child: ChildProcess; base: string; stderr: () => string }

function serve(): Promise<Served> {
  const child = startStoa(['serve'], { env });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!stdout.includes(BANNER_END)) return;
      resolve({ child, base: /Web and API\s+(http:\/\/\S+\/)/.exec(stdout)![1], stderr: () => stderr });
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

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  assert.equal(res.status, 200, `admin login: ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function post(base: string, cookie: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}api/v1${path}`, {
    method: 'POST', headers: { cookie, 'x-stoa-csrf': '1', 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

const cli = (args: string[]) => runStoa(args, { env: { STOA_DATA_DIR: dataDir } });

function mustSucceed(args: string[], r: RunResult): void {
  assert.equal(r.code, 0, `stoa ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /database is locked|SQLITE_BUSY/i);
}

describe('the CLI and a running server on one data directory', { timeout: 600_000 }, () => {
  test('eight CLI commands at once during a burst of API writes all succeed, and every write is kept', async (t) => {
    const server = await serve();
    try {
      const cookie = await login(server.base);
      const created = await post(server.base, cookie, '/domains', { name: 'shared.test' });
      assert.equal(created.status, 201, created.text);
      // Seeded through the CLI while the server runs: the CLI's writes go through the same lock.
      mustSucceed(['alias', 'add', 'seed@shared.test', 'ops@elsewhere.test'], await cli(['alias', 'add', 'seed@shared.test', 'ops@elsewhere.test']));

      // The API keeps writing (four requests in flight) for as long as the CLI commands run.
      let cliDone = false;
      let next = 0;
      const writer = async (): Promise<Array<{ status: number; text: string }>> => {
        const results = [];
        while (!cliDone || next < 40) results.push(await post(server.base, cookie, '/accounts', { address: `api${next++}@shared.test` }));
        return results;
      };
      const apiWrites = Array.from({ length: 4 }, writer);
      const commands: string[][] = [
        ['account', 'add', 'cli0@shared.test', '--no-password'],
        ['account', 'add', 'cli1@shared.test', '--no-password'],
        ['account', 'list', '--domain', 'shared.test'],
        ['domain', 'list'],
        ['queue', 'list'],
        ['alias', 'add', 'team@shared.test', 'seed@shared.test', 'desk@elsewhere.test'],
        ['alias', 'list', '--domain', 'shared.test'],
        ['domain', 'add', 'second.test'],
      ];
      const cliResults = await Promise.all(commands.map(cli)).finally(() => { cliDone = true; });
      const apiResults = (await Promise.all(apiWrites)).flat();
      commands.forEach((args, i) => mustSucceed(args, cliResults[i]));
      for (const r of apiResults) assert.equal(r.status, 201, r.text);
      t.diagnostic(`${apiResults.length} accounts created over the API while the CLI ran`);

      const accounts = JSON.parse((await cli(['account', 'list', '--domain', 'shared.test', '--json'])).stdout) as { items: Array<{ address: string }> };
      const addresses = new Set(accounts.items.map((a) => a.address));
      for (let i = 0; i < next; i++) assert.ok(addresses.has(`api${i}@shared.test`), `api${i}@shared.test is missing`);
      assert.ok(addresses.has('cli0@shared.test') && addresses.has('cli1@shared.test'));
      const aliases = (await cli(['alias', 'list', '--domain', 'shared.test'])).stdout;
      assert.match(aliases, /team@shared\.test/);
      assert.match(aliases, /seed@shared\.test/);
      assert.match((await cli(['domain', 'list'])).stdout, /second\.test/);
      assert.doesNotMatch(server.stderr(), /database is locked|SQLITE_BUSY/i);
    } finally {
      assert.equal(await stop(server.child), 0, 'SIGTERM ends with exit code 0');
    }
  });
});
