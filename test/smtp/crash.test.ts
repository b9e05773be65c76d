// Durability under SIGKILL (DESIGN.md "Durability and correctness"): the real
// `stoa serve` takes deliveries from several clients and is killed at seeded
// random moments, then restarted. Clients behave like MTAs: a message without
// a 250 is sent again. At the end every message is in the mailbox exactly
// once, intact, and nothing else is there.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import nodemailer from 'nodemailer';
import { defaultConfig } from '../../server/src/config/schema.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { LocalChangeBus } from '../../server/src/events/local-change-bus.ts';
import { createMailServices } from '../../server/src/mail/mail-services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import { freePort, startStoa, tempDir } from '../cli/run-stoa.ts';
import { systemActor as makeSystemActor } from '../../server/src/directory/access.ts';
const SYSTEM = makeSystemActor();

const SEED = Number(process.env.STOA_CRASH_SEED ?? 20260301);
const CLIENTS = 4;
const PER_CLIENT = 25;
const KILLS = 4;
const root = tempDir('smtp-crash');
after(() => root.cleanup());

/** mulberry32: small, seeded, good enough to place kills. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function body(id: string): string {
  // Big enough to be mid-write when the kill lands; the digest proves it is intact.
  // Lines of 64 octets keep nodemailer at 7bit, so the stored body is byte for byte what we built.
  const filler = Array.from({ length: 600 }, () => createHash('sha256').update(id).digest('hex')).join('\r\n');
  return `${filler}\r\ndigest ${createHash('sha256').update(filler).digest('hex')}\r\n`;
}

function serve(env: Record<string, string>): Promise<ChildProcess> {
  const child = startStoa(['serve'], { env });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Stop with Ctrl-C')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

test('messages answered 250 survive SIGKILL at random moments, each exactly once', { timeout: 900_000 }, async (t) => {
  const random = prng(SEED);
  const dataDir = join(root.path, 'data');
  const smtpPort = await freePort();
  const env = {
    STOA_DATA_DIR: dataDir, STOA_HTTP_PORT: '0', STOA_HTTP_HOST: '127.0.0.1', STOA_SMTP_PORT: String(smtpPort),
    STOA_SUBMISSION_PORT: '0', STOA_SMTPS_PORT: '0', STOA_IMAP_PORT: '0', STOA_IMAPS_PORT: '0', STOA_POP3_PORT: '0', STOA_POP3S_PORT: '0', STOA_MANAGESIEVE_PORT: '0',
    STOA_DEMO: '1', STOA_DEMO_PASSWORD: 'tulip-harbour-92', STOA_ADMIN_PASSWORD: 'tulip-harbour-92', STOA_DNS_SERVERS: '127.0.0.1:9',
  };
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir);
  let server = await serve(env);
  const acked = new Set<string>();
  let attempts = 0;
  let done = false;
  // Set when the test fails half-way, so the clients stop retrying and the process can end.
  let abandoned = false;

  const client = async (c: number): Promise<void> => {
    for (let i = 0; i < PER_CLIENT; i++) {
      const id = `crash-${c}-${i}`;
      for (;;) {
        if (abandoned) return;
        attempts++;
        const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true, connectionTimeout: 120_000, greetingTimeout: 120_000, socketTimeout: 120_000 });
        try {
          const info = await transport.sendMail({
            from: 'sender@remote.example', to: 'alice@demo.stoa.test', subject: id, messageId: `<${id}@crash.test>`, text: body(id),
          });
          if (/^250 /.test(info.response)) { acked.add(id); break; }
        } catch {
          // Connection refused or cut: the server is down or was killed; an MTA tries again.
        } finally {
          transport.close();
        }
        await sleep(50);
      }
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c))).then(() => { done = true; });

  try {
    for (let k = 0; k < KILLS && !done; k++) {
      await sleep(200 + Math.floor(random() * 1200));
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      t.diagnostic(`kill ${k + 1} after ${acked.size} acknowledged messages`);
      server = await serve(env);
    }
    await clients;
  } catch (err) {
    abandoned = true;
    server.kill('SIGKILL');
    throw err;
  }
  t.diagnostic(`${acked.size} messages acknowledged in ${attempts} attempts`);
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));

  const config = defaultConfig();
  config.dataDir = dataDir;
  config.store.sqlite.path = join(dataDir, 'stoa.db');
  config.store.blobs.path = join(dataDir, 'blobs');
  const store = await openStore(config);
  try {
    const directory = createDirectory(store, config);
    const mail = createMailServices({ store, bus: new LocalChangeBus() });
    const alice = await directory.accounts.get(systemActor(), 'alice@demo.stoa.test');
    const inbox = (await mail.mailboxes.find(SYSTEM, alice.id, 'INBOX'))!.mailbox;
    const list = await mail.messages.list(SYSTEM, inbox.id);
    const seen = new Map<string, number>();
    if (list.uids.length > 0) {
      for (const r of await mail.messages.fetch(SYSTEM, inbox.id, [[list.uids[0], list.uids[list.uids.length - 1]]])) {
        const raw = (await store.blobs.read(r.blobId)).toString('utf8');
        const subject = /\r\nSubject: (crash-\d+-\d+)\r\n/.exec(raw)?.[1];
        assert.ok(subject, 'every stored message is one of ours');
        assert.ok(raw.includes(body(subject).replace(/\r\n$/, '')), `${subject} is intact`);
        seen.set(subject, (seen.get(subject) ?? 0) + 1);
      }
    }
    assert.equal(acked.size, CLIENTS * PER_CLIENT);
    for (const id of acked) assert.equal(seen.get(id), 1, `${id} stored ${seen.get(id) ?? 0} times`);
    assert.equal(seen.size, acked.size, 'nothing else in the mailbox');
  } finally {
    await store.close();
  }
});
