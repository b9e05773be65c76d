// DAV benchmark (issue 11): a calendar of 10,000 events, a fifth of them
// recurring, in Stoa and in Radicale (Debian), each in its own process on a
// free loopback port. Times, over real HTTP: a one-month time-range
// calendar-query (with only getetag, as DAVx5 asks, and with calendar-data),
// a calendar-multiget of 100 objects, a sync-collection after one change and
// a PROPFIND Depth 1 of the calendar; the server's CPU per request (from
// /proc, utime + stime) and RSS; and Stoa / Radicale ratios.
// Usage: node test/bench/dav/run.ts [--events N] [--runs N] [--no-radicale]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Agent, request as httpRequest } from 'node:http';
import { benchEvents } from './events.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '10000' }, runs: { type: 'string', default: '15' }, 'no-radicale': { type: 'boolean', default: false } } });
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '../../..');
const PASSWORD = 'correct horse battery staple 42';
const TICK_MS = 10; // Linux USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s.

interface Target { name: string; base: string; calendar: string; auth: string; pid: number }

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function rssMiB(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request over node:http with a kept-alive connection (as a client syncing would). */
function request(t: Target, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(t.base + path);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method, agent, headers: {
      authorization: t.auth, 'content-type': 'application/xml; charset=utf-8', ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers,
    } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';
const monthQuery = (data: boolean) => `<?xml version="1.0"?><c:calendar-query ${NS}><d:prop><d:getetag/>${data ? '<c:calendar-data/>' : ''}</d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260301T000000Z" end="20260401T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
const multiget = (cal: string, names: string[]) => `<?xml version="1.0"?><c:calendar-multiget ${NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>${names.map((n) => `<d:href>${cal}${n}</d:href>`).join('')}</c:calendar-multiget>`;
const syncBody = (token: string) => `<?xml version="1.0"?><d:sync-collection ${NS}><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
const propfindBody = `<?xml version="1.0"?><d:propfind ${NS}><d:prop><d:resourcetype/><d:getetag/><d:getcontenttype/></d:prop></d:propfind>`;

interface Figure { ms: number; cpuMs: number; responses: number }

async function measure(t: Target, runs: number, once: () => Promise<{ status: number; text: string }>, before?: () => Promise<void>): Promise<Figure> {
  const times: number[] = [];
  let cpu = 0;
  let responses = 0;
  for (let i = 0; i < runs; i++) {
    if (before) await before();
    const c0 = await cpuMs(t.pid);
    const t0 = performance.now();
    const res = await once();
    times.push(performance.now() - t0);
    cpu += (await cpuMs(t.pid)) - c0;
    if (res.status >= 300) throw new Error(`${t.name}: status ${res.status}: ${res.text.slice(0, 300)}`);
    responses = (res.text.match(/<(\w+:)?response>/g) ?? []).length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], cpuMs: cpu / runs, responses };
}

async function bench(t: Target): Promise<Record<string, Figure> & { rss: number }> {
  const names = benchEvents(EVENTS).map((e) => e.name);
  // Warm-up: the first query of a process builds caches (Radicale's item cache, Stoa's parsed objects).
  await request(t, 'REPORT', t.calendar, monthQuery(true), { depth: '1' });
  await request(t, 'PROPFIND', t.calendar, propfindBody, { depth: '1' });
  const out: Record<string, Figure> = {};
  out['time-range (getetag)'] = await measure(t, RUNS, () => request(t, 'REPORT', t.calendar, monthQuery(false), { depth: '1' }));
  out['time-range (calendar-data)'] = await measure(t, RUNS, () => request(t, 'REPORT', t.calendar, monthQuery(true), { depth: '1' }));
  let k = 0;
  out['multiget 100'] = await measure(t, RUNS, () => {
    const start = (k++ * 100) % (names.length - 100);
    return request(t, 'REPORT', t.calendar, multiget(t.calendar, names.slice(start, start + 100)), { depth: '1' });
  });
  let token = '';
  let n = 0;
  out['sync after 1 change'] = await measure(t, RUNS, () => request(t, 'REPORT', t.calendar, syncBody(token), { depth: '0' }), async () => {
    const first = await request(t, 'REPORT', t.calendar, syncBody(''), { depth: '0' }).then((r) => r);
    token = /<(?:\w+:)?sync-token>([^<]+)</.exec(first.text)?.[1] ?? '';
    const e = benchEvents(1)[0];
    await request(t, 'PUT', `${t.calendar}change-${n}.ics`, e.text.replace(e.uid, `change-${n++}@stoa.test`), { 'content-type': 'text/calendar' });
  });
  out['PROPFIND depth 1'] = await measure(t, Math.max(3, Math.floor(RUNS / 3)), () => request(t, 'PROPFIND', t.calendar, propfindBody, { depth: '1' }));
  return Object.assign(out, { rss: await rssMiB(t.pid) });
}

async function waitFor(url: string, auth: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'PROPFIND', headers: { authorization: auth, depth: '0', connection: 'close' } });
      await res.text();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startStoa(): Promise<{ target: Target; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(HERE, 'stoa-server.ts'), String(EVENTS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line: string = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`Stoa child exited with ${code}`)));
  });
  const { base, user } = JSON.parse(line);
  const auth = `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;
  return { child, target: { name: 'Stoa', base, calendar: `/dav/calendars/${user}/calendar/`, auth, pid: child.pid! } };
}

async function startRadicale(dir: string): Promise<{ target: Target; child: ChildProcess }> {
  const tools = spawnSync('sh', [join(REPO, 'scripts/ensure-test-tools.sh')], { stdio: 'inherit' });
  if (tools.status !== 0) throw new Error('Radicale is missing; scripts/ensure-test-tools.sh installs it (Debian package radicale)');
  const cal = join(dir, 'collection-root', 'bench', 'calendar');
  await mkdir(cal, { recursive: true });
  await writeFile(join(cal, '.Radicale.props'), JSON.stringify({ tag: 'VCALENDAR', 'D:displayname': 'Calendar', 'C:supported-calendar-component-set': 'VEVENT' }));
  for (const e of benchEvents(EVENTS)) await writeFile(join(cal, e.name), e.text);
  const port = await freePort();
  const child = spawn('radicale', ['--server-hosts', `127.0.0.1:${port}`, '--storage-filesystem-folder', dir, '--auth-type', 'none', '--rights-type', 'owner_only', '--logging-level', 'warning'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const auth = `Basic ${Buffer.from('bench:x').toString('base64')}`;
  const target = { name: 'Radicale', base: `http://127.0.0.1:${port}`, calendar: '/bench/calendar/', auth, pid: child.pid! };
  await waitFor(`${target.base}/bench/`, auth);
  return { child, target };
}

function print(name: string, r: Record<string, Figure> & { rss: number }): void {
  console.log(`\n${name}`);
  for (const [k, f] of Object.entries(r)) {
    if (k === 'rss') continue;
    const fig = f as Figure;
    console.log(`  ${k.padEnd(28)} ${fig.ms.toFixed(1).padStart(8)} ms   server CPU ${fig.cpuMs.toFixed(1).padStart(7)} ms/request   ${fig.responses} responses`);
  }
  console.log(`  ${'RSS after the runs'.padEnd(28)} ${r.rss.toFixed(0).padStart(8)} MiB`);
}

const dir = await mkdtemp(join(tmpdir(), 'stoa-bench-dav-'));
const children: ChildProcess[] = [];
// However the run ends, no server is left behind (Radicale does not always stop on SIGTERM).
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });
try {
  console.log(`DAV benchmark: ${EVENTS} events (a fifth recurring), median of ${RUNS} runs (PROPFIND: ${Math.max(3, Math.floor(RUNS / 3))})`);
  const t0 = performance.now();
  const stoa = await startStoa();
  children.push(stoa.child);
  console.log(`Stoa filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const stoaFigures = await bench(stoa.target);
  print('Stoa', stoaFigures);
  if (!values['no-radicale']) {
    const radicale = await startRadicale(join(dir, 'radicale'));
    children.push(radicale.child);
    const radicaleFigures = await bench(radicale.target);
    print(`Radicale ${spawnSync('radicale', ['--version'], { encoding: 'utf8' }).stdout.trim()}`, radicaleFigures);
    console.log('\nRadicale / Stoa (time)');
    for (const k of Object.keys(stoaFigures)) {
      if (k === 'rss') continue;
      const s = stoaFigures[k] as Figure;
      const r = radicaleFigures[k] as Figure;
      console.log(`  ${k.padEnd(28)} ${(r.ms / s.ms).toFixed(1).padStart(8)} ×`);
    }
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await rm(dir, { recursive: true, force: true });
}
