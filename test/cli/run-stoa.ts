// Runs the real `bin/stoa.js` in a child process, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../../server/src/store/open-store.ts';

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

/**
 * A data directory holding an empty, migrated store, as the first
 * `stoa serve` leaves it: the CLI never creates a store itself (issue 16
 * item 19), so tests that start with a CLI command make one this way.
 */
export async function initStore(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openSqliteStore({ path: join(dataDir, 'stoa.db'), blobsPath: join(dataDir, 'blobs') });
  await store.close();
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

export interface Served {
  child: ChildProcess;
  /** Everything `stoa serve` printed on stdout up to the end of its banner. */
  banner: string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `stoa serve` until its banner is complete (HTTP on 127.0.0.1, every port free). */
export function serveStoa(env: Record<string, string>, opts: { cwd?: string } = {}): Promise<Served> {
  const child = startStoa(['serve'], { env: { STOA_HTTP_HOST: '127.0.0.1', ...env }, cwd: opts.cwd });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const stop = (): Promise<number | null> => new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolvePromise(code));
    child.kill('SIGTERM');
  });
  // No stopwatch for the start: a busy machine may take long; a hung start runs into the test's timeout.
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!stdout.includes('Stop with Ctrl-C')) return;
      resolvePromise({ child, banner: stdout, stderr: () => stderr, stop });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before the banner; stderr:\n${stderr}`)));
  });
}
