// A real ClamAV daemon for tests (Debian clamav-daemon): clamd on a free
// loopback TCP port and a Unix socket in a temporary directory, with a
// signature database the test makes itself (freshclam cannot reach the
// internet here): an MD5 signature (.hdb) of the 68-byte EICAR test file,
// which clamd finds in a MIME attachment and inside archives because it
// unpacks both before matching.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clamdPing } from '../../server/src/filter/clamd-client.ts';
import { freePort } from '../cli/run-stoa.ts';
import { requireFile } from './test-tools.ts';

/** The EICAR anti-virus test file (eicar.org): harmless, detected by every scanner. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const EICAR_SIGNATURE = 'Stoa.Test.EICAR';

export interface Clamd { port: number; socket: string; stop(): Promise<void> }

function clamdPath(): string {
  // An antivirus test that silently passes without clamd would prove nothing.
  return requireFile('clamd (Debian clamav-daemon)', ['/usr/sbin/clamd']);
}

export async function startClamd(): Promise<Clamd> {
  const bin = clamdPath();
  const dir = mkdtempSync(join(tmpdir(), 'stoa-clamd-'));
  const db = join(dir, 'db');
  mkdirSync(db);
  // .hdb: MD5:size:name (ClamAV "Creating signatures" — hash-based signatures).
  writeFileSync(join(db, 'stoa-test.hdb'), `${createHash('md5').update(EICAR).digest('hex')}:${EICAR.length}:${EICAR_SIGNATURE}\n`);
  const port = await freePort();
  const socket = join(dir, 'clamd.sock');
  writeFileSync(join(dir, 'clamd.conf'), [
    `DatabaseDirectory ${db}`, `TCPSocket ${port}`, 'TCPAddr 127.0.0.1', `LocalSocket ${socket}`, 'Foreground yes',
    `PidFile ${join(dir, 'clamd.pid')}`, 'LogFile /dev/null', 'StreamMaxLength 30M', 'User root',
  ].join('\n') + '\n');
  let log = '';
  const child: ChildProcess = spawn(bin, ['-c', join(dir, 'clamd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    const ready = await clamdPing({ socket: null, host: '127.0.0.1', port }, AbortSignal.timeout(1000)).catch(() => false);
    if (ready) break;
    if (i >= 100 || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`clamd did not start within 20 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port, socket,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
