// SpamAssassin's spamd for tests (Debian spamd + spamassassin, with the rules
// Debian ships): on a free loopback port, local tests only (-L: no DNS or
// network rules), no user preferences, one child.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cli/run-stoa.ts';
import { requireFile } from './test-tools.ts';

export interface Spamd { port: number; stop(): Promise<void> }

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      // PING is part of the spamc protocol: "SPAMD/1.5 0 PONG".
      s.write('PING SPAMC/1.5\r\n\r\n');
      s.once('data', (d: Buffer) => { s.destroy(); resolve(d.toString().includes('PONG')); });
    });
    s.once('error', () => resolve(false));
  });
}

export async function startSpamd(): Promise<Spamd> {
  requireFile('spamd (Debian spamd, spamassassin)', ['/usr/sbin/spamd']);
  const dir = mkdtempSync(join(tmpdir(), 'stoa-spamd-'));
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn('/usr/sbin/spamd', [
    `--port=${port}`, '--listen=127.0.0.1', '--local', '--nouser-config', `--pidfile=${join(dir, 'spamd.pid')}`,
    '--username=nobody', '--max-children=1', '--min-spare=1', '--max-spare=1', '--syslog=stderr',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-20_000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; !(await answers(port)); i++) {
    if (i >= 150 || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`spamd did not start within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
