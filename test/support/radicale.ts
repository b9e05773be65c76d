// A real Radicale CalDAV/CardDAV server (Debian radicale) for tests: its own
// configuration and storage in a temporary directory, plain-text htpasswd
// users, on a free loopback port; filled over HTTP like any client would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './dovecot.ts';

export interface Radicale {
  url: string;
  /** An HTTP request as `user`; resolves with status and body. */
  call(user: string, password: string, method: string, path: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

export async function startRadicale(users: { name: string; password: string }[]): Promise<Radicale> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-radicale-'));
  const port = await freePort();
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.name}:${u.password}\n`).join(''));
  writeFileSync(join(dir, 'config'), [
    '[server]', `hosts = 127.0.0.1:${port}`,
    '[auth]', 'type = htpasswd', `htpasswd_filename = ${join(dir, 'users')}`, 'htpasswd_encryption = plain', 'delay = 0',
    '[storage]', `filesystem_folder = ${join(dir, 'collections')}`,
    '[rights]', 'type = owner_only',
    '[logging]', 'level = warning',
  ].join('\n'));
  const proc: ChildProcess = spawn('radicale', ['--config', join(dir, 'config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => { stderr += String(d); });
  const url = `http://127.0.0.1:${port}`;
  const call: Radicale['call'] = (user, password, method, path, body, headers = {}) => new Promise((ok, fail) => {
    const req = request(`${url}${path}`, {
      method, headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += String(d); });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
  for (let i = 0; ; i++) {
    try {
      await call('probe', 'probe', 'GET', '/');
      break;
    } catch (err) {
      if (i > 100 || proc.exitCode !== null) throw new Error(`Radicale did not start: ${stderr}`, { cause: err });
      await sleep(100);
    }
  }
  return {
    url,
    call,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((ok) => proc.once('exit', ok));
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
