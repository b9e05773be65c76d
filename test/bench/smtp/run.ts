// SMTP intake benchmark: messages per second accepted over the MX listener
// of a real `stoa serve` (SQLite store, temp data dir) and durably delivered
// (250 is sent only after the blob is fsynced and the transaction committed),
// for 1 KiB, 100 KiB and 5 MiB messages at 1, 10 and 50 parallel
// connections, plus the server's peak RSS (VmHWM).
//   node test/bench/smtp/run.ts [--quick]
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { freePort, startStoa, tempDir } from '../../cli/run-stoa.ts';

const quick = process.argv.includes('--quick');
const SIZES = [
  { label: '1 KiB', bytes: 1024, messages: quick ? 300 : 3000 },
  { label: '100 KiB', bytes: 100 * 1024, messages: quick ? 100 : 600 },
  { label: '5 MiB', bytes: 5 * 1024 * 1024, messages: quick ? 10 : 60 },
];
const PARALLEL = [1, 10, 50];

function serve(env: Record<string, string>): Promise<ChildProcess> {
  const child = startStoa(['serve'], { env });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('Stop with Ctrl-C')) resolve(child); });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Text lines of 76 octets: 7bit, so the wire size is what we asked for. */
function bodyOf(bytes: number): string {
  const line = `${'0123456789abcdef'.repeat(5).slice(0, 74)}\r\n`;
  return line.repeat(Math.max(1, Math.floor(bytes / line.length)));
}

async function round(port: number, size: (typeof SIZES)[number], parallel: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, pool: true, maxConnections: parallel, maxMessages: Infinity });
  const text = bodyOf(size.bytes);
  const count = Math.max(size.messages, parallel * 2);
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await transport.sendMail({ from: 'bench@remote.example', to: i % 2 ? 'alice@demo.stoa.test' : 'bob@demo.stoa.test', subject: `bench ${size.label} ${parallel} ${i}`, text });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const seconds = (performance.now() - t0) / 1000;
  transport.close();
  return count / seconds;
}

const root = tempDir('smtp-bench');
try {
  const dataDir = join(root.path, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  // 50 parallel connections from one client IP: above the default per-IP limit of 20.
  const configFile = join(root.path, 'stoa.yaml');
  writeFileSync(configFile, 'smtp:\n  maxConnectionsPerIp: 100\n');
  const server = await serve({
    STOA_CONFIG: configFile,
    STOA_DATA_DIR: dataDir, STOA_HTTP_PORT: '0', STOA_HTTP_HOST: '127.0.0.1', STOA_SMTP_PORT: String(port),
    STOA_SUBMISSION_PORT: '0', STOA_SMTPS_PORT: '0', STOA_IMAP_PORT: '0', STOA_IMAPS_PORT: '0', STOA_POP3_PORT: '0', STOA_POP3S_PORT: '0',
    STOA_DEMO: '1', STOA_DEMO_PASSWORD: 'tulip-harbour-92', STOA_ADMIN_PASSWORD: 'tulip-harbour-92', STOA_DNS_SERVERS: '127.0.0.1:9',
    STOA_LOG_LEVEL: 'warn',
  });
  try {
    console.log('| size | connections | messages/s (250 = durable) | MiB/s |');
    console.log('|---|---|---|---|');
    for (const size of SIZES) {
      for (const parallel of PARALLEL) {
        const rate = await round(port, size, parallel);
        console.log(`| ${size.label} | ${parallel} | ${rate.toFixed(1)} | ${((rate * size.bytes) / 1048576).toFixed(1)} |`);
      }
    }
    console.log(`\nserver peak RSS: ${peakRssMiB(server.pid!).toFixed(0)} MiB; CPUs: ${(await import('node:os')).availableParallelism()}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
} finally {
  root.cleanup();
}
