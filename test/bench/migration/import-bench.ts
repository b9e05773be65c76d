// Migration benchmark (issue 15): imports N messages (default 50,000) from a
// real Dovecot over IMAP into a fresh Stoa store, the way `stoa migrate imap`
// does (imapflow source, engine, services sink over the import service and
// the intake with origin 'import', store-backed checkpoints),
// and prints messages/s, MB/s, the tool's CPU per message and its peak RSS,
// with RSS samples along the way to show memory stays flat as the mailbox
// grows. Dovecot runs in its own processes; everything else (the import tool
// and the Stoa services it writes through) is this process.
//
// The mailbox is made of corpus messages up to 256 KiB, each given a unique
// X-Bench-Seq header, spread over INBOX and four folders, written as Maildir
// files before Dovecot starts (Dovecot indexes them on first access; that
// indexing is part of the measured time, as it would be on a cold server).
//   node test/bench/migration/run.ts [--messages N] [--keep]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../../server/src/log/logger.ts';
import { createServices } from '../../../server/src/services.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';
import { DEFAULT_OPTIONS, runMigration } from '../../../migration/src/engine/run.ts';
import { createDirectoryTarget } from '../../../migration/src/sink/directory-target.ts';
import { createServicesSink } from '../../../migration/src/sink/services-sink.ts';
import { imapSource } from '../../../migration/src/sources/imap/imap-source.ts';
import { testConfig, SYSTEM } from '../../migration/harness.ts';
import { writeMaildir } from '../../migration/samples.ts';
import { createDovecot, ensureDovecot } from '../../support/dovecot.ts';
import { CORPUS } from '../../support/corpus.ts';

const { values: args } = parseArgs({ options: { messages: { type: 'string', default: '50000' }, keep: { type: 'boolean', default: false } } });
const COUNT = Number(args.messages);

function corpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const dir of readdirSync(CORPUS, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(CORPUS, dir.name))) {
      let b = readFileSync(join(CORPUS, dir.name, f));
      if (b.toString('latin1', 0, 5) === 'From ') b = b.subarray(b.indexOf(0x0a) + 1);
      if (b.length > 0 && b.length <= 256 * 1024 && /^[\x21-\x39\x3b-\x7e]+:/.test(b.toString('latin1', 0, 100))) out.push(b);
    }
  }
  return out;
}

const missing = ensureDovecot();
if (missing) throw new Error(missing);
const messages = corpus();
const dovecot = await createDovecot({ users: [{ name: 'bench', password: 'bench-pw' }] });
const folders: Record<string, { name: string; bytes: Buffer; mtime: Date }[]> = { '': [], '.Archive': [], '.Projects': [], '.Projects.Alpha': [], '.Lists': [] };
const keys = Object.keys(folders);
let sourceBytes = 0;
for (let i = 0; i < COUNT; i++) {
  const bytes = Buffer.concat([Buffer.from(`X-Bench-Seq: ${i}\r\n`), messages[i % messages.length]]);
  sourceBytes += bytes.length;
  folders[keys[i % keys.length]].push({ name: `${1700000000 + i}.M${i}P1.bench:2,${i % 3 === 0 ? 'S' : ''}`, bytes, mtime: new Date(Date.UTC(2020, 0, 1) + i * 60_000) });
  // Write in slices so the bench itself never holds the whole mailbox.
  if (i % 5000 === 4999 || i === COUNT - 1) {
    writeMaildir(dovecot.maildir('bench'), folders);
    for (const k of keys) folders[k] = [];
  }
}
await dovecot.start();

const dir = mkdtempSync(join(tmpdir(), 'stoa-bench-migrate-'));
const config = testConfig(dir);
config.log.level = 'silent';
const store = await openSqliteStore({ path: config.store.sqlite.path, blobsPath: config.store.blobs.path });
// Every service as main.ts builds them: messages go through the import service and the intake (origin 'import').
const services = createServices(config, store, createLogger(config), { defaultMetrics: false });
const { directory } = services;
await directory.domains.create(SYSTEM, { name: 'example.org' });
const { jobs, importer } = services.migrations;
const sink = createServicesSink({ importer, actor: SYSTEM });

const rss: { done: number; mb: number; heap: number }[] = [];
let done = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  rss.push({ done, mb: m.rss / 1048576, heap: m.heapUsed / 1048576 });
}, 1000);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const report = await runMigration({
  source: imapSource({ host: dovecot.host, port: dovecot.port, tls: 'none' }), sink,
  directory: createDirectoryTarget(directory.accounts, SYSTEM), checkpoints: jobs.checkpoints(SYSTEM),
  onProgress: (r) => { done = r.users[0]?.folders.reduce((n, f) => n + f.imported + f.skipped + f.failed, 0) ?? 0; },
}, [{ source: { identity: 'bench', secret: 'bench-pw' }, target: 'bench@example.org', create: true }], DEFAULT_OPTIONS, 'imap');
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);

const imported = report.totals.imported;
const mb = report.totals.bytes / 1048576;
const at = (fraction: number) => {
  const s = rss.find((x) => x.done >= COUNT * fraction);
  return s ? `${s.mb.toFixed(0)} (heap ${s.heap.toFixed(0)})` : '-';
};
console.log(`messages at source     ${COUNT} (${(sourceBytes / 1048576).toFixed(0)} MiB in 5 folders)`);
console.log(`imported               ${imported} (${report.totals.failed} failed, ${report.totals.skipped} skipped), ${mb.toFixed(0)} MiB`);
console.log(`elapsed                ${seconds.toFixed(1)} s`);
console.log(`throughput             ${(imported / seconds).toFixed(0)} messages/s, ${(mb / seconds).toFixed(1)} MB/s`);
console.log(`tool CPU               ${((cpu.user + cpu.system) / 1000 / Math.max(1, imported)).toFixed(2)} ms per message (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s)`);
console.log(`peak RSS               ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`RSS at 10% / 50% / 90% ${at(0.1)} / ${at(0.5)} / ${at(0.9)} MiB`);
console.log(`sample check           ${report.users[0].folders.reduce((n, f) => n + f.sample.matched, 0)} read back and matched, ${report.users[0].folders.reduce((n, f) => n + f.sample.mismatched.length, 0)} differed`);
if (!report.ok) console.log(JSON.stringify(report.users[0].folders.filter((f) => f.failed > 0).map((f) => f.problems.slice(0, 3))));

await services.junkTraining.stop();
await store.close();
await dovecot.stop();
if (!args.keep) rmSync(dir, { recursive: true, force: true });
