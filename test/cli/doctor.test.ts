// `stoa doctor` against a real DNS server: dnsmasq on a loopback port,
// answering for a well-configured domain and a broken one.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDnsmasq, txtRecord, type Dnsmasq } from '../support/dnsmasq.ts';
import { freePort, initStore, runStoa, startStoa, tempDir } from './run-stoa.ts';

const GOOD = 'good-corp.net';
const BROKEN = 'broken-corp.net';
const MX_HOST = `mx.${GOOD}`;

describe('stoa doctor', () => {
  const root = tempDir('doctor');
  const dataDir = join(root.path, 'data');
  let dnsmasq: Dnsmasq | null = null;
  let env: Record<string, string> = {};

  before(async () => {
    const dnsPort = await freePort();
    await initStore(dataDir);
    const configFile = join(root.path, 'stoa.yaml');
    writeFileSync(configFile, `hostname: ${MX_HOST}\ndns:\n  timeoutMs: 2000\n`);
    env = { STOA_CONFIG: configFile, STOA_DATA_DIR: dataDir, STOA_DNS_SERVERS: `127.0.0.1:${dnsPort}`, STOA_HTTP_HOST: '127.0.0.1', STOA_HTTP_PORT: String(await freePort()) };
    for (const domain of [GOOD, BROKEN]) {
      const r = await runStoa(['domain', 'add', domain], { env });
      assert.equal(r.code, 0, r.stderr);
    }
    // The good domain publishes the DKIM key Stoa made for it; the broken one none.
    const dkim = await runStoa(['domain', 'dkim', GOOD, '--json'], { env });
    assert.equal(dkim.code, 0, dkim.stderr);
    const dkimRecords = (JSON.parse(dkim.stdout) as { records: { name: string; value: string }[] }).records
      .map((r) => txtRecord(r.name, r.value));
    dnsmasq = await startDnsmasq([
      // Answer authoritatively for both test domains instead of forwarding (there is no upstream).
      `--local=/${GOOD}/`, `--local=/${BROKEN}/`,
      // The good domain: MX at this server, which has an address; SPF, DMARC.
      `--mx-host=${GOOD},${MX_HOST},10`, `--host-record=${MX_HOST},192.0.2.25`,
      `--txt-record=${GOOD},v=spf1 mx -all`, `--txt-record=${GOOD},google-site-verification=abc`,
      `--txt-record=_dmarc.${GOOD},v=DMARC1; p=quarantine`,
      // RFC 6764: CalDAV over TLS with its path; CardDAV without TXT (the well-known address applies).
      `--srv-host=_caldavs._tcp.${GOOD},${MX_HOST},443,0,1`, `--txt-record=_caldavs._tcp.${GOOD},path=/dav/`,
      `--srv-host=_carddavs._tcp.${GOOD},${MX_HOST},443,0,1`,
      // The broken domain: null MX, two SPF records, no DMARC.
      `--mx-host=${BROKEN},.,0`,
      `--txt-record=${BROKEN},v=spf1 mx -all`, `--txt-record=${BROKEN},v=spf1 a ~all`,
      ...dkimRecords,
    ], { name: GOOD, type: 'MX' }, dnsPort);
  });

  after(() => {
    dnsmasq?.stop();
    root.cleanup();
  });

  type Finding = { section: string; level: string; message: string; fix?: string };
  const doctor = async (args: string[] = []) => {
    const r = await runStoa(['doctor', '--json', ...args], { env });
    return { code: r.code, report: JSON.parse(r.stdout) as { ok: boolean; errors: number; warnings: number; findings: Finding[] }, stderr: r.stderr };
  };
  const about = (findings: Finding[], domain: string, topic: string): Finding => {
    const f = findings.find((x) => x.section === `dns ${domain}` && x.message.startsWith(topic));
    assert.ok(f, `no ${topic} finding for ${domain}: ${JSON.stringify(findings, null, 1)}`);
    return f;
  };

  test('a well-configured domain passes, its published DKIM record matching the stored key', async () => {
    const { code, report } = await doctor(['--domain', GOOD]);
    assert.equal(code, 0, JSON.stringify(report, null, 1));
    assert.equal(report.ok, true);
    assert.equal(about(report.findings, GOOD, 'MX').level, 'ok');
    assert.match(about(report.findings, GOOD, 'MX').message, /mx\.good-corp\.net.*includes this server/);
    assert.deepEqual([about(report.findings, GOOD, 'SPF').level, about(report.findings, GOOD, 'DMARC').level], ['ok', 'ok']);
    const dkim = about(report.findings, GOOD, 'DKIM');
    assert.equal(dkim.level, 'ok', dkim.message);
    assert.match(dkim.message, /stoa\d{6}\._domainkey\.good-corp\.net publishes the active rsa-sha256 key/);
    assert.ok(report.findings.some((f) => f.section === 'store' && f.level === 'ok'));
    const caldav = about(report.findings, GOOD, `SRV _caldavs._tcp.${GOOD}`);
    assert.equal(caldav.level, 'ok');
    assert.match(caldav.message, /443 mx\.good-corp\.net, TXT path=\/dav\//);
    assert.equal(about(report.findings, GOOD, `SRV _carddavs._tcp.${GOOD}`).level, 'ok');
    assert.ok(report.findings.some((f) => f.section === 'listener http' && /is free/.test(f.message)));
  });

  test('a broken domain fails with the records to publish', async () => {
    const { code, report } = await doctor(['--domain', BROKEN]);
    assert.equal(code, 1);
    const mx = about(report.findings, BROKEN, 'MX');
    assert.equal(mx.level, 'error');
    assert.match(mx.message, /null MX/);
    assert.match(mx.fix ?? '', /broken-corp\.net\. 3600 IN MX 10 mx\.good-corp\.net\./);
    const spf = about(report.findings, BROKEN, 'SPF');
    assert.equal(spf.level, 'error');
    assert.match(spf.message, /2 "v=spf1" records/);
    const dmarc = about(report.findings, BROKEN, 'DMARC');
    assert.equal(dmarc.level, 'error');
    assert.match(dmarc.fix ?? '', /_dmarc\.broken-corp\.net\. 3600 IN TXT "v=DMARC1; p=none/);
    const carddav = about(report.findings, BROKEN, `SRV _carddavs._tcp.${BROKEN}`);
    assert.equal(carddav.level, 'warn');
    assert.match(carddav.fix ?? '', /_carddavs\._tcp\.broken-corp\.net\. 3600 IN SRV 0 1 443 mx\.good-corp\.net\..*TXT "path=\/dav\/"/);
    const dkim = about(report.findings, BROKEN, 'DKIM');
    assert.equal(dkim.level, 'error');
    assert.match(dkim.fix ?? '', /^publish: stoa\d{6}\._domainkey\.broken-corp\.net\. 3600 IN TXT "v=DKIM1; k=rsa; p=MII/);
  });

  test('the human report marks errors and warnings and the exit code reflects errors', async () => {
    const r = await runStoa(['doctor'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /dns good-corp\.net:\n {2}ok {4}MX: 10 mx\.good-corp\.net/);
    assert.match(r.stdout, /ERROR SPF: 2 "v=spf1" records/);
    assert.match(r.stdout, /ERROR DKIM: no record at stoa\d{6}\._domainkey\.broken-corp\.net/);
    assert.match(r.stdout, /\d+ errors?, \d+ warnings?\.$/m);
  });

  test('a listener port held by another program is an error', async () => {
    const { createServer } = await import('node:net');
    const port = Number(env.STOA_HTTP_PORT);
    const squatter = createServer((s) => {
      s.on('error', () => {});
      s.end('SSH-2.0-OpenSSH\r\n');
    }).listen(port, '127.0.0.1');
    await new Promise((r) => squatter.once('listening', r));
    try {
      const { report } = await doctor(['--domain', GOOD]);
      const listener = report.findings.find((f) => f.section === 'listener http');
      assert.equal(listener?.level, 'error');
      assert.match(listener?.message ?? '', /something other than Stoa answers/);
    } finally {
      squatter.close();
    }
  });

  test('a running Stoa is recognised on every mail listener, and another mail server on a Stoa port is an error', async () => {
    const ports: Record<string, string> = {};
    for (const name of ['SMTP', 'SUBMISSION', 'SMTPS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'MANAGESIEVE']) ports[`STOA_${name}_PORT`] = String(await freePort());
    const withPorts = { ...env, ...ports };
    const server = startStoa(['serve'], { env: withPorts });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('Stop with Ctrl-C')) resolve(); });
        server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const r = await runStoa(['doctor', '--json', '--domain', GOOD], { env: withPorts });
      const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
      for (const name of ['http', 'smtp', 'submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'managesieve']) {
        const f = findings.find((x) => x.section === `listener ${name}`);
        assert.equal(f?.level, 'ok', `${name}: ${JSON.stringify(f)}`);
        assert.match(f?.message ?? '', /Stoa answers/, name);
      }
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    const { createServer } = await import('node:net');
    const squatter = createServer((s) => {
      s.on('error', () => {});
      s.end('220 mail.example ESMTP Postfix\r\n');
    }).listen(Number(ports.STOA_SMTP_PORT), '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      const r = await runStoa(['doctor', '--json', '--domain', GOOD], { env: { ...withPorts, STOA_SMTP_PORT: ports.STOA_SMTP_PORT } });
      const smtp = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.find((f) => f.section === 'listener smtp');
      assert.equal(smtp?.level, 'error');
      assert.match(smtp?.message ?? '', /something other than Stoa answers/);
      assert.match(smtp?.fix ?? '', /STOA_SMTP_PORT/);
    } finally {
      squatter.close();
    }
  });
});
