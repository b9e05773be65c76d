// A real Stoa for browser tests: `bin/stoa.js serve` in a child process on
// free ports in a temporary data directory, with the built console. Outbound
// mail goes to a "smarthost" on a closed local port, so it is deferred (never
// leaves the machine), and DNS goes to a closed local port (answers fail fast).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startStoa, tempDir } from '../cli/run-stoa.ts';
import { ensureConsoleBuilt } from './console-build.ts';

export const ADMIN_PASSWORD = 'console-admin-password';

export interface StoaProcess {
  base: string;
  smtpPort: number;
  dataDir: string;
  /** The server process id (benchmarks read its CPU time and RSS from /proc). */
  pid: number;
  /** Stops the server; the data directory is removed unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  /** YAML appended to the generated configuration. */
  extraConfig?: string;
  /** Reuse the directory of an earlier run (its data/ survives a stop with keepData). */
  dir?: { path: string; cleanup: () => void };
}

export async function startStoaForConsole(opts: StartOptions = {}): Promise<StoaProcess> {
  ensureConsoleBuilt();
  const extraConfig = opts.extraConfig ?? '';
  const dir = opts.dir ?? tempDir('console');
  const closedPort = await freePort();
  const configFile = join(dir.path, 'stoa.yaml');
  mkdirSync(join(dir.path, 'data'), { recursive: true });
  writeFileSync(configFile, [
    `dataDir: ${JSON.stringify(join(dir.path, 'data'))}`,
    'hostname: mail.console.test',
    'auth:',
    '  argon2: { memoryKiB: 1024, passes: 1, parallelism: 1 }',
    `dns: { servers: ["127.0.0.1:${closedPort}"], timeoutMs: 300 }`,
    'console: { liveIntervalMs: 500 }',
    'queue:',
    `  smarthost: { host: 127.0.0.1, port: ${closedPort}, tls: none }`,
    '  retryScheduleMs: [3600000]',
    '  timeouts: { connectMs: 2000 }',
    '  worker: { pollIntervalMs: 1000 }',
    extraConfig,
  ].join('\n'));
  const child: ChildProcess = startStoa(['serve', '--config', configFile], {
    env: { STOA_HTTP_HOST: '127.0.0.1', STOA_ADMIN_PASSWORD: ADMIN_PASSWORD, STOA_DEMO: '0', STOA_LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no banner within 60 s; stderr:\n${stderr}`)); }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('Stop with Ctrl-C')) { clearTimeout(timer); resolve(stdout); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`stoa exited with ${code}; stderr:\n${stderr}`)); });
  });
  const base = /Web and API\s+(http:\/\/\S+\/)/.exec(banner)![1];
  const smtpPort = Number(/SMTP \(MX\)\s+port (\d+)/.exec(banner)![1]);
  return {
    base, smtpPort, dataDir: join(dir.path, 'data'), pid: child.pid!,
    async stop(stopOpts = {}) {
      child.removeAllListeners('exit');
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
      }
      if (!stopOpts.keepData) dir.cleanup();
    },
  };
}
