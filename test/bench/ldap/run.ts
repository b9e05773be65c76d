// Directory sync and directory logins (issue 12): loads a real Samba AD DC
// with N users and G groups through ldbadd, then times a full sync into a
// running Stoa (wall time, server CPU, peak RSS), a second full sync with
// nothing to change, an incremental sync, and the latency of directory
// logins through IMAP (connect over TLS + LOGIN, whose password check is a
// search and bind on a pooled, service-bound LDAPS connection to the DC).
// Stoa runs in this process, so CPU and RSS are Stoa's plus the small client
// side. Prints figures with the load average (the machine may be shared);
// asserts nothing.
// Usage: node test/bench/ldap/run.ts [--users 10000 --groups 500 --members 20 --login-users 100 --logins 500 --concurrency 8]
import { parseArgs } from 'node:util';
import { cpus, loadavg, totalmem } from 'node:os';
import { ADMIN_DN, ADMIN_PASSWORD, BASE_DN, startSambaDc, unicodePwd } from '../../support/samba-dc.ts';
import { startStoa } from '../../ldap/harness.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' }, groups: { type: 'string', default: '500' }, members: { type: 'string', default: '20' },
    'login-users': { type: 'string', default: '100' }, logins: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '8' },
  },
});
const USERS = Number(values.users);
const GROUPS = Number(values.groups);
const MEMBERS = Number(values.members);
const LOGIN_USERS = Math.min(USERS, Number(values['login-users']));
const LOGINS = Number(values.logins);
const CONCURRENCY = Number(values.concurrency);
const OU = `OU=Bench,${BASE_DN}`;
const PASSWORD = 'Bench-Passw0rd!';
const name = (i: number) => `u${String(i).padStart(6, '0')}`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
const load = () => `load average ${loadavg().map((n) => n.toFixed(2)).join(', ')}`;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${mib(totalmem())}; node ${process.version}; ${load()}`);
const dc = await startSambaDc();
const stoa = await startStoa((c) => { c.log.level = 'warn'; });
try {
  let t = performance.now();
  const ldif: string[] = [`dn: ${OU}\nobjectClass: organizationalUnit\n`];
  for (let i = 0; i < USERS; i++) {
    // Only the users that log in get a password (hashing is what makes ldbadd slow); the others need none (PASSWD_NOTREQD).
    const withPassword = i < LOGIN_USERS;
    ldif.push([`dn: CN=${name(i)},${OU}`, 'objectClass: user', `sAMAccountName: ${name(i)}`, `mail: ${name(i)}@bench.stoa.test`,
      `displayName: Bench User ${i}`, `proxyAddresses: SMTP:${name(i)}@bench.stoa.test`, `proxyAddresses: smtp:${name(i)}.alias@bench.stoa.test`,
      `userAccountControl: ${withPassword ? 512 : 544}`, ...(withPassword ? [unicodePwd(PASSWORD)] : []), ''].join('\n'));
  }
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: MEMBERS }, (_, k) => `member: CN=${name((g * MEMBERS + k) % USERS)},${OU}`);
    ldif.push([`dn: CN=group${g},${OU}`, 'objectClass: group', `sAMAccountName: group${g}`, `mail: group${g}@bench.stoa.test`, ...members, ''].join('\n'));
  }
  dc.add(ldif.join('\n'));
  console.log(`[${load()}] loaded ${USERS} users (${LOGIN_USERS} with passwords) and ${GROUPS} groups of ${MEMBERS} into the DC with ldbadd: ${((performance.now() - t) / 1000).toFixed(1)} s`);

  await stoa.admin.post('/api/v1/domains', { name: 'bench.stoa.test' });
  const created = await stoa.admin.post('/api/v1/directory/connections', {
    name: 'bench', kind: 'active-directory', servers: [dc.url], tls: { caPem: dc.caPem, serverName: dc.serverName },
    bindDn: ADMIN_DN, bindPassword: ADMIN_PASSWORD, baseDn: OU, timeoutMs: 600_000,
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));

  const sync = async (label: string, body: object) => {
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
    const before = process.memoryUsage().rss;
    const cpu = process.cpuUsage();
    t = performance.now();
    const run = await stoa.admin.post('/api/v1/directory/connections/bench/sync', body);
    const wall = performance.now() - t;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    if (run.status !== 200) throw new Error(JSON.stringify(run.body));
    const counts = Object.entries(run.body.counts).filter(([, n]) => Number(n) > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'no changes';
    console.log(`${label} [${load()}]: ${(wall / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU, RSS ${mib(before)} → peak ${mib(peak)}; status ${run.body.status}; read ${run.body.users} users, ${run.body.groups} groups; ${counts}`);
  };
  await sync(`full sync of ${USERS} users, ${GROUPS} groups (first)`, {});
  await sync('full sync again (nothing to change)', {});
  dc.modify(`dn: CN=${name(1)},${OU}\nchangetype: modify\nreplace: displayName\ndisplayName: Renamed\n`);
  await sync('incremental sync (one entry changed)', { mode: 'incremental' });

  // Directory logins through IMAP: CONCURRENCY at a time, then one at a time (latency without queueing at the DC).
  const logins = async (count: number, concurrency: number) => {
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const begun = performance.now();
        const r = await stoa.imapLogin(`${name(i % LOGIN_USERS)}@bench.stoa.test`, PASSWORD);
        latencies.push(performance.now() - begun);
        if (r.ok) await r.client.logout().catch(() => undefined);
        else failures++;
      }
    }));
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    latencies.sort((a, b) => a - b);
    console.log(`IMAP directory logins [${load()}]: ${count} (${concurrency} at a time, ${failures} failed) in ${(wall / 1000).toFixed(1)} s = ${(count / (wall / 1000)).toFixed(0)}/s; `
      + `connect+LOGIN p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; Stoa CPU ${((used.user + used.system) / 1000 / count).toFixed(1)} ms per login; RSS ${mib(process.memoryUsage().rss)}`);
  };
  await logins(LOGINS, CONCURRENCY);
  await logins(Math.max(1, Math.floor(LOGINS / 5)), 1);
} finally {
  await stoa.close();
  await dc.stop();
}
