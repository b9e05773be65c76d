// Directory benchmark (issue 2): creates 100,000 accounts through the
// directory service (validated, audited, one transaction each), then times
// 1,000 password checks with the configured argon2id parameters and 1,000
// listings of one filtered, sorted page of 50. Prints figures; asserts
// nothing. Usage: npm run bench:directory [-- --accounts N --checks N --lists N]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../../server/src/config/schema.ts';
import { systemActor } from '../../../server/src/directory/access.ts';
import { createDirectory } from '../../../server/src/directory/directory.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '100000' },
    domains: { type: 'string', default: '10' },
    checks: { type: 'string', default: '1000' },
    lists: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
  },
});
const ACCOUNTS = Number(values.accounts);
const DOMAINS = Number(values.domains);
const CHECKS = Number(values.checks);
const LISTS = Number(values.lists);
const CONCURRENCY = Number(values.concurrency);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

const dir = await mkdtemp(join(tmpdir(), 'stoa-bench-directory-'));
const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
const config = defaultConfig();
config.dataDir = dir;
const directory = createDirectory(store, config);
const admin = systemActor();

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`);
console.log(`argon2id: m=${config.auth.argon2.memoryKiB} KiB, t=${config.auth.argon2.passes}, p=${config.auth.argon2.parallelism}`);

for (let d = 0; d < DOMAINS; d++) await directory.domains.create(admin, { name: `d${d}.example` });

// 1. Account creation through the service: validation, address claim, audit entry, commit.
const firstNames = ['Ada', 'Brian', 'Chloé', 'Dmitri', 'Eva', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas'];
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  for (;;) {
    const i = next++;
    if (i >= ACCOUNTS) return;
    await directory.accounts.create(admin, {
      address: `user${i}@d${i % DOMAINS}.example`,
      displayName: `${firstNames[i % firstNames.length]} User${i}`,
    });
  }
}));
const createSeconds = (performance.now() - t0) / 1000;
console.log(`create ${ACCOUNTS} accounts: ${createSeconds.toFixed(1)} s, ${(ACCOUNTS / createSeconds).toFixed(0)} accounts/s (service path, ${CONCURRENCY} concurrent callers, one audited transaction each)`);

// 2. Password checks with the configured argon2id parameters.
await directory.accounts.setPassword(admin, 'user7@d7.example', 'correct-horse-battery');
const checks: number[] = [];
for (let i = 0; i < CHECKS; i++) {
  const t = performance.now();
  const r = await directory.auth.authenticate({ username: 'user7@d7.example', password: 'correct-horse-battery', protocol: 'imap', ip: '127.0.0.1' });
  checks.push(performance.now() - t);
  if (!r.ok) throw new Error(`password check failed: ${r.code}`);
}
checks.sort((a, b) => a - b);
console.log(`password check (${CHECKS}): p50 ${ms(percentile(checks, 50))}, p99 ${ms(percentile(checks, 99))}`);

// 3. One filtered, sorted page of 50 out of all accounts.
const shapes = [
  (i: number) => ({ domain: `d${i % DOMAINS}.example`, sort: 'displayName' as const, order: 'asc' as const, offset: (i * 50) % 5000 }),
  (i: number) => ({ q: `user${(i * 37) % 1000}`, sort: 'address' as const, order: 'desc' as const }),
  (i: number) => ({ domain: `d${i % DOMAINS}.example`, enabled: true, sort: 'createdAt' as const, order: 'desc' as const, offset: (i * 50) % 9000 }),
  (i: number) => ({ domain: `d${i % DOMAINS}.example`, q: 'chlo', sort: 'address' as const, order: 'asc' as const }),
];
const lists: number[] = [];
let total = 0;
for (let i = 0; i < LISTS; i++) {
  const params = { ...shapes[i % shapes.length](i), limit: 50 };
  const t = performance.now();
  const page = await directory.accounts.list(admin, params);
  lists.push(performance.now() - t);
  total += page.items.length;
}
lists.sort((a, b) => a - b);
console.log(`list page of 50 of ${ACCOUNTS} (${LISTS} queries, filtered by domain/substring/enabled, sorted): p50 ${ms(percentile(lists, 50))}, p99 ${ms(percentile(lists, 99))}, max ${ms(lists[lists.length - 1])} (${total} rows returned)`);
console.log(`peak RSS: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

await store.close();
await rm(dir, { recursive: true, force: true });
