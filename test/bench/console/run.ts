// Console benchmark (issue 14): the production bundle's size (initial
// JavaScript as the browser downloads it, brotli and gzip), and the time to
// an interactive accounts page with 100,000 accounts in the store, in Debian's
// headless Chromium against a real Stoa. Also the server's CPU time and RSS
// for those page loads, and the latency of the list requests behind them.
// Prints figures; asserts nothing. Usage: npm run bench:console [-- --accounts N --loads N]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';
import type { AccountRecord } from '../../../server/src/store/port.ts';
import { tempDir } from '../../cli/run-stoa.ts';
import { launchBrowser } from '../../console/browser.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../console/console-build.ts';
import { ADMIN_PASSWORD, startStoaForConsole } from '../../console/stoa-process.ts';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '100000' }, loads: { type: 'string', default: '7' } } });
const ACCOUNTS = Number(values.accounts);
const LOADS = Number(values.loads);
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The machine is shared: every figure is printed with the load average it was taken under. */
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;

// ---- 1. Bundle size ------------------------------------------------------
ensureConsoleBuilt();
const index = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
// Initial JavaScript: the entry scripts and the chunks index.html preloads; lazy pages are not counted.
const initial = [...index.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => m[1]);
const sizeOf = (files: string[]) => files.reduce((acc, f) => {
  const data = readFileSync(join(CONSOLE_DIST, f));
  return { raw: acc.raw + data.length, br: acc.br + brotliCompressSync(data).length, gz: acc.gz + gzipSync(data, { level: 9 }).length };
}, { raw: 0, br: 0, gz: 0 });
const init = sizeOf(initial);
const allJs = readdirSync(CONSOLE_DIST).filter((f) => f.endsWith('.js'));
const all = sizeOf(allJs);
const css = sizeOf(readdirSync(CONSOLE_DIST).filter((f) => f.endsWith('.css')));
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${load()}`);
console.log('\nProduction bundle (dist/console/browser)');
console.log(`  initial JS   ${initial.length} files, ${kib(init.raw)} raw, ${kib(init.br)} brotli, ${kib(init.gz)} gzip   (target < 400 KiB compressed)`);
console.log(`  all JS       ${allJs.length} files, ${kib(all.raw)} raw, ${kib(all.br)} brotli (lazy pages included)`);
console.log(`  CSS          ${kib(css.raw)} raw, ${kib(css.br)} brotli`);

// ---- 2. 100,000 accounts in the store -------------------------------------
const dir = tempDir('bench-console');
let stoa = await startStoaForConsole({ dir });
await stoa.stop({ keepData: true });
const store = await openSqliteStore({ path: join(stoa.dataDir, 'stoa.db'), blobsPath: join(stoa.dataDir, 'blobs') });
const now = new Date().toISOString();
const domain = { id: 'benchdomain', name: 'bench.example', unicodeName: 'bench.example', aliasOf: null, enabled: true, description: '', defaultQuotaBytes: 0, defaultQuotaMessages: 0, createdAt: now, updatedAt: now };
await store.domains.create(domain);
const t0 = performance.now();
for (let i = 0; i < ACCOUNTS; i += 5000) {
  const batch: AccountRecord[] = [];
  for (let j = i; j < Math.min(ACCOUNTS, i + 5000); j++) {
    const n = String(j).padStart(6, '0');
    batch.push({
      id: `benchacc${n}`, domainId: domain.id, address: `user${n}@bench.example`, displayName: `User ${n}`, enabled: true, role: 'user', adminDomainIds: [],
      quotaBytes: 2 * 1024 ** 3, quotaMessages: 0, forwardTo: [], keepForwardedCopy: true, passwordHash: null, passwordSetAt: null, source: null, createdAt: now, updatedAt: now,
    });
  }
  await store.accounts.createMany(batch);
}
await store.close();
console.log(`\nStore: ${ACCOUNTS} accounts inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(statSync(join(stoa.dataDir, 'stoa.db')).size / 2 ** 20).toFixed(0)} MiB database)`);

stoa = await startStoaForConsole({ dir });
const base = stoa.base;

// API latency of the requests the accounts page makes (after a warm-up).
const login = await fetch(`${base}api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
const cookie = login.headers.getSetCookie()[0].split(';')[0];
async function timeGet(path: string, n = 20): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(`${base}api/v1${path}`, { headers: { cookie } });
    await r.text();
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    times.push(performance.now() - t);
  }
  return median(times);
}
console.log(`\nAdmin API with 100,000 accounts (median of 20, ms; ${load()})`);
for (const [label, path] of [
  ['first page, sorted by address', '/accounts?limit=50&sort=address&order=asc'],
  ['last page (offset 99,950)', `/accounts?limit=50&offset=${Math.max(0, ACCOUNTS - 50)}&sort=address&order=asc`],
  ['filtered q=user09999', '/accounts?limit=50&q=user09999'],
  ['filtered by domain, sorted by name desc', '/accounts?limit=50&domain=bench.example&sort=displayName&order=desc'],
  ['usage of one page (50 ids)', `/system/account-usage?ids=${Array.from({ length: 50 }, (_, i) => `benchacc${String(i).padStart(6, '0')}`).join(',')}`],
] as const) {
  console.log(`  ${label.padEnd(42)} ${(await timeGet(path)).toFixed(1)}`);
}

// ---- 3. Time to an interactive accounts page ---------------------------------
function procCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}
function procRssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

const browser = await launchBrowser();
const page = browser.page;
await page.goto(base);
await page.getByLabel('Login').fill('admin');
await page.getByLabel('Password').fill(ADMIN_PASSWORD);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/dashboard/);

/** From navigation to the first page of rows on screen with the search box usable. */
async function loadAccounts(cache: boolean): Promise<number> {
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await page.goto('about:blank');
  const t = performance.now();
  await page.goto(`${base}admin/accounts`);
  await page.locator('tr[data-address]').first().waitFor();
  await page.getByTestId('list-search').waitFor({ state: 'visible' });
  const elapsed = performance.now() - t;
  await cdp.detach();
  return elapsed;
}

const load0 = load();
const cpu0 = procCpuMs(stoa.pid);
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < LOADS; i++) cold.push(await loadAccounts(false));
for (let i = 0; i < LOADS; i++) warm.push(await loadAccounts(true));
const cpuPerLoad = (procCpuMs(stoa.pid) - cpu0) / (2 * LOADS);
const rows = await page.locator('tr[data-address]').count();
const range = await page.locator('.mat-mdc-paginator-range-label').innerText();
console.log(`\nAccounts page in headless Chromium (${LOADS} loads each, after sign-in; ${rows} rows shown, "${range}"; ${load0} before, ${load()} after)`);
console.log(`  no browser cache   median ${median(cold).toFixed(0)} ms   (min ${Math.min(...cold).toFixed(0)}, max ${Math.max(...cold).toFixed(0)})   target < 1500 ms`);
console.log(`  with cache         median ${median(warm).toFixed(0)} ms   (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)})`);
console.log(`  server CPU per page load ${cpuPerLoad.toFixed(1)} ms; server RSS ${procRssMiB(stoa.pid).toFixed(0)} MiB`);

await browser.close();
await stoa.stop();
