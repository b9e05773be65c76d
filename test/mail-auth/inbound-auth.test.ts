// Inbound SPF/DKIM/DMARC/ARC, outbound signing and DNS blocklists against a
// real DNS server (dnsmasq on loopback) that publishes the keys Stoa made.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Domain } from '../../shared/src/schemas/directory.ts';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import type { Actor } from '../../server/src/directory/api.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { createDnsbl } from '../../server/src/filter/dnsbl.ts';
import { createDkimKeys } from '../../server/src/mail-auth/dkim-keys.ts';
import { createDkimSigner } from '../../server/src/mail-auth/dkim-sign.ts';
import { createDnsResolver } from '../../server/src/mail-auth/dns-resolver.ts';
import { createInboundAuthenticator } from '../../server/src/mail-auth/inbound.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { tempDir } from '../cli/run-stoa.ts';
import { startDnsmasq, txtRecord, type Dnsmasq } from '../support/dnsmasq.ts';

import { CORPUS as MAIL_CORPUS } from '../support/corpus.ts';

const CORPUS = join(MAIL_CORPUS, 'dkim');
const DOMAIN = 'signed-corp.test';
const SENDER_IP = '192.0.2.10';
const STRANGER_IP = '198.51.100.9';
const logger = pino({ level: 'silent' });
const actor: Actor = { id: null, login: 'test', role: 'server-admin', adminDomainIds: [], ip: null };

function message(body = 'Hello Bob,\r\n\r\nThe quarterly figures are attached.\r\n'): Buffer {
  return Buffer.from([
    `From: Alice <alice@${DOMAIN}>`, 'To: Bob <bob@example.net>', 'Subject: Quarterly figures',
    'Date: Mon, 05 Jan 2026 10:00:00 +0000', `Message-ID: <q1@${DOMAIN}>`, 'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8', '', body,
  ].join('\r\n'));
}

describe('mail authentication over real DNS', () => {
  const root = tempDir('mail-auth');
  let store: Store;
  let dns: Dnsmasq;
  let config: StoaConfig;
  let domain: Domain;

  before(async () => {
    config = defaultConfig();
    config.dataDir = root.path;
    config.hostname = 'mx.stoa.test';
    config.store.sqlite.path = join(root.path, 'stoa.db');
    config.store.blobs.path = join(root.path, 'blobs');
    config.mailAuth.dkimEd25519 = true;
    config.auth.argon2 = { memoryKiB: 64, passes: 1, parallelism: 1 };
    store = await openStore(config);
    const directory = createDirectory(store, config);
    domain = await directory.domains.create(actor, { name: DOMAIN });
    const dkimKeys = createDkimKeys(store, config);
    assert.equal((await dkimKeys.ensureKey(domain)).length, 2);
    assert.equal((await dkimKeys.ensureKey(domain)).length, 2, 'a second call keeps the keys');
    const records = await dkimKeys.records(domain);
    assert.deepEqual(records.map((r) => r.algorithm).sort(), ['ed25519-sha256', 'rsa-sha256']);
    dns = await startDnsmasq([
      `--local=/${DOMAIN}/`, '--local=/football.example.com/', '--local=/bl.test/',
      ...records.map((r) => txtRecord(r.name, r.value)),
      `--txt-record=${DOMAIN},v=spf1 ip4:${SENDER_IP} -all`,
      `--txt-record=_dmarc.${DOMAIN},v=DMARC1; p=reject`,
      // RFC 8463 Appendix A: the Ed25519 key of the example message.
      '--txt-record=brisbane._domainkey.football.example.com,v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
      // A blocklist zone listing 192.0.2.99 (RFC 5782 §5 test address style).
      '--host-record=99.2.0.192.bl.test,127.0.0.2', '--txt-record=99.2.0.192.bl.test,Listed for testing',
      '--host-record=2.0.0.127.bl.test,127.0.0.2',
    ], { name: `_dmarc.${DOMAIN}`, type: 'TXT' });
    config.dns.servers = [dns.server];
    config.dns.timeoutMs = 2000;
  });

  after(async () => {
    dns?.stop();
    await store?.close();
    root.cleanup();
  });

  const auth = (c: StoaConfig = config) => createInboundAuthenticator(c, logger);

  it('signs outbound mail with both keys, and the receiving side verifies SPF, DKIM and DMARC as pass', async () => {
    const signed = await createDkimSigner(store, logger).signMessage(message(), DOMAIN);
    const head = signed.subarray(0, signed.indexOf('From:')).toString();
    assert.match(head, /a=rsa-sha256; .*c=relaxed\/relaxed/s);
    assert.match(head, /a=ed25519-sha256/);
    assert.match(head.replace(/\r\n\s+/g, ' '), /h=Content-Type: MIME-Version: Message-ID: Date: Subject: To: From;/);
    const res = await auth().authenticateInbound({ message: signed, ip: SENDER_IP, helo: `mail.${DOMAIN}`, mailFrom: `alice@${DOMAIN}` });
    assert.deepEqual(res.dkim.map((d) => d.result), ['pass', 'pass']);
    assert.equal(res.spf.result, 'pass');
    assert.equal(res.dmarc?.result, 'pass');
    assert.equal(res.decision.action, 'accept');
    // RFC 8601: authserv-id is this server's hostname.
    assert.match(res.headers, /^Authentication-Results: mx\.stoa\.test;/m);
    assert.match(res.headers, /dkim=pass header\.i=@signed-corp\.test/);
    assert.match(res.headers, /dmarc=pass/);
    assert.ok(res.headers.endsWith('\r\n'));
  });

  it('rejects a tampered message from a stranger with the DMARC text, or junks or monitors it as configured', async () => {
    const signed = await createDkimSigner(store, logger).signMessage(message(), DOMAIN);
    const tampered = Buffer.from(signed.toString().replace('quarterly figures are attached', 'bank details have changed'));
    const input = { message: tampered, ip: STRANGER_IP, helo: 'evil.example', mailFrom: `alice@${DOMAIN}` };
    const res = await auth().authenticateInbound(input);
    assert.ok(res.dkim.every((d) => d.result !== 'pass'), JSON.stringify(res.dkim));
    assert.equal(res.spf.result, 'fail');
    assert.equal(res.dmarc?.result, 'fail');
    assert.equal(res.dmarc?.policy, 'reject');
    assert.deepEqual([res.decision.action, res.decision.smtpCode, res.decision.enhancedCode], ['reject', 550, '5.7.1']);
    assert.match(res.decision.reason, /DMARC policy/);

    const quarantine = structuredClone(config);
    quarantine.mailAuth.dmarcPolicy = 'quarantine-only';
    assert.equal((await auth(quarantine).authenticateInbound(input)).decision.action, 'junk');
    const monitored = structuredClone(config);
    monitored.mailAuth.overrides = { [DOMAIN]: 'monitor' };
    assert.equal((await auth(monitored).authenticateInbound(input)).decision.action, 'accept');
  });

  it('verifies the RFC 8463 Ed25519 example from the corpus against its published key', async () => {
    const raw = readFileSync(join(CORPUS, 'rfc8463-ed25519-example.eml'));
    const res = await auth().authenticateInbound({ message: raw, ip: STRANGER_IP, helo: 'football.example.com', mailFrom: 'joe@football.example.com' });
    const ed = res.dkim.find((d) => d.selector === 'brisbane');
    assert.equal(ed?.result, 'pass', JSON.stringify(res.dkim));
    // The RSA signature's key (selector "test") is not published here.
    assert.notEqual(res.dkim.find((d) => d.selector === 'test')?.result, 'pass');
  });

  it('does not pass corpus signatures whose keys are not in DNS', async () => {
    const raw = readFileSync(join(CORPUS, 'sa-test-pass-01.eml'));
    const res = await auth().authenticateInbound({ message: raw, ip: STRANGER_IP, helo: 'x.example', mailFrom: '' });
    assert.ok(res.dkim.length > 0);
    assert.ok(res.dkim.every((d) => d.result !== 'pass'), JSON.stringify(res.dkim));
    assert.equal(res.decision.action, 'accept');
  });

  it('leaves mail from a domain without an active key unsigned', async () => {
    const raw = message();
    assert.equal(await createDkimSigner(store, logger).signMessage(raw, 'unknown.test'), raw);
  });

  it('finds a client in a DNS blocklist zone, and treats other addresses as clean', async () => {
    const zones = { zones: ['bl.test'], timeoutMs: 2000, action: 'reject' as const };
    const dnsbl = createDnsbl(zones, createDnsResolver(config, 2000));
    const listed = await dnsbl.check('192.0.2.99');
    assert.deepEqual([listed.action, listed.smtpCode, listed.enhancedCode], ['reject', 554, '5.7.1']);
    assert.match(listed.reason, /192\.0\.2\.99 is listed in bl\.test: Listed for testing/);
    assert.equal((await dnsbl.check('::ffff:127.0.0.2')).action, 'reject');
    assert.equal((await dnsbl.check('192.0.2.98')).action, 'accept');
    assert.equal((await createDnsbl({ ...zones, action: 'junk' }, createDnsResolver(config, 2000)).check('192.0.2.99')).action, 'junk');
  });

  // No stopwatch (issue 16, tests that depend on the machine): the resolver itself would wait
  // 10 minutes, so only the blocklist's own timeout can end the check before the test's timeout.
  it('counts a blocklist that does not answer as not listed, within its timeout', { timeout: 60_000 }, async () => {
    // A UDP socket that swallows queries: the zone's server is down.
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    try {
      const resolver = new Resolver({ timeout: 600_000, tries: 1 });
      resolver.setServers([`127.0.0.1:${silent.address().port}`]);
      const decision = await createDnsbl({ zones: ['bl.test'], timeoutMs: 300, action: 'reject' }, resolver).check('192.0.2.99');
      assert.equal(decision.action, 'accept');
      resolver.cancel();
    } finally {
      silent.close();
    }
  });
});
