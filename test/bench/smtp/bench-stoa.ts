// `stoa serve` as the SMTP benchmark starts it (run.ts), shared with the idle
// memory benchmark (../start/idle-memory.ts) so that both measure the same
// server: a first start on an empty SQLite data directory with the demo
// accounts, SMTP on a free loopback port, every other mail listener off, DNS
// pointed at 127.0.0.1:9 (every lookup refused at once), and connection
// limits above the benchmark's 50 parallel connections from one address
// (the defaults are 20 per IP and 50 per /24; with one message per
// connection a closing connection can still count when the next arrives).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, serveStoa, type Served } from '../../cli/run-stoa.ts';

export const BENCH_PASSWORD = 'tulip-harbour-92';

export interface BenchStoa {
  served: Served;
  pid: number;
  smtpPort: number;
  httpPort: number;
  dataDir: string;
}

/** Starts the server in `root` (a temp dir the caller removes); resolves once its banner is printed. */
export async function startBenchStoa(root: string, extraEnv: Record<string, string> = {}): Promise<BenchStoa> {
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const smtpPort = await freePort();
  const httpPort = await freePort();
  const configFile = join(root, 'stoa.yaml');
  writeFileSync(configFile, 'smtp:\n  maxConnectionsPerIp: 100\n  maxConnectionsPerNetwork: 100\n');
  const served = await serveStoa({
    STOA_CONFIG: configFile,
    STOA_DATA_DIR: dataDir, STOA_HTTP_PORT: String(httpPort), STOA_SMTP_PORT: String(smtpPort),
    STOA_SUBMISSION_PORT: '0', STOA_SMTPS_PORT: '0', STOA_IMAP_PORT: '0', STOA_IMAPS_PORT: '0', STOA_POP3_PORT: '0', STOA_POP3S_PORT: '0', STOA_MANAGESIEVE_PORT: '0',
    STOA_DEMO: '1', STOA_DEMO_PASSWORD: BENCH_PASSWORD, STOA_ADMIN_PASSWORD: BENCH_PASSWORD, STOA_DNS_SERVERS: '127.0.0.1:9',
    STOA_LOG_LEVEL: 'warn',
    ...extraEnv,
  });
  return { served, pid: served.child.pid!, smtpPort, httpPort, dataDir };
}
