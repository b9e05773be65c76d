// Runs the real `bin/stoa.js` in a child process, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const STOA_BIN = join(REPO, 'bin/stoa.js');

export interface RunResult { code: number | null; stdout: string; stderr: string }

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** Run as this uid/gid (tests that need an unprivileged user while running as root). */
  uid?: number;
  gid?: number;
}

/** Environment without the caller's STOA_* variables, so the developer's shell cannot change a test. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('STOA_')) env[k] = v;
  // Every listener on a free port, so tests running side by side never collide
  // on the default ports; a test that needs a fixed port sets it.
  const ports = Object.fromEntries(['HTTP', 'SMTP', 'SUBMISSION', 'SMTPS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'MANAGESIEVE'].map((p) => [`STOA_${p}_PORT`, '0']));
  return { ...env, STOA_LOG_LEVEL: 'warn', ...ports, ...extra };
}

export function startStoa(args: string[], opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [STOA_BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: cleanEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
}

export function runStoa(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = startStoa(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin!.end(opts.input ?? '');
  });
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `stoa-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A TCP port that was free a moment ago (tests never use fixed ports). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}
