// An SMTP front end on a real SQLite store in a temporary folder, wired like
// main.ts (directory, mail services, queue, filter, TLS), listening on free
// loopback ports; plus the clients the tests talk to it with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Account, Domain } from '../../shared/src/schemas/directory.ts';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Directory } from '../../server/src/directory/api.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import type { MailServices } from '../../server/src/mail/mail-services.ts';
import type { FilterService } from '../../server/src/filter/filter-service.ts';
import type { TraceBus } from '../../server/src/events/trace-bus.ts';
import type { Metrics } from '../../server/src/metrics/metrics.ts';
import { startSmtp, type SmtpFrontEnd } from '../../server/src/protocols/smtp/smtp-listeners.ts';
import type { QueueService } from '../../server/src/queue/queue-service.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { loadTlsMaterial } from '../../server/src/tls/tls-material.ts';

export const PASSWORD = 'tulip-harbour-92';

export interface SmtpHarness {
  config: StoaConfig;
  store: Store;
  /** Every service, built by the server's own composition root. */
  services: Services;
  directory: Directory;
  mail: MailServices;
  queue: QueueService;
  metrics: Metrics;
  /** The message trace the intake and the SMTP front end publish to (the console's live trace). */
  trace: TraceBus;
  filter: FilterService;
  smtp: SmtpFrontEnd;
  domain: Domain;
  alice: Account;
  bob: Account;
  ports: { smtp: number; submission: number; smtps: number };
  /** Raw messages in the account's INBOX (or another mailbox), oldest first. */
  messages(address: string, mailbox?: string): Promise<string[]>;
  /** Queued outbound messages: sender, recipients and raw bytes. */
  queued(): Promise<Array<{ sender: string; recipients: string[]; raw: string }>>;
  close(): Promise<void>;
}

/** A local test network: example.test is ours (plus alias domain alias.test), everything else is remote. */
export async function openSmtpHarness(tune: (config: StoaConfig) => void = () => {}, options: { now?: () => number } = {}): Promise<SmtpHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-smtp-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.hostname = 'mx.example.test';
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  for (const l of ['http', 'imap', 'imaps', 'pop3', 'pop3s', 'managesieve'] as const) {
    const listener = (config.listeners as Record<string, { enabled: boolean } | undefined>)[l];
    if (listener) listener.enabled = false;
  }
  for (const l of ['smtp', 'submission', 'smtps'] as const) Object.assign(config.listeners[l], { host: '127.0.0.1', port: 0 });
  // Nothing answers here: SPF/DKIM/DMARC lookups fail at once (temperror), the way an offline test needs.
  config.dns.servers = ['127.0.0.1:9'];
  config.dns.timeoutMs = 200;
  config.filter.greylist.enabled = false;
  config.log.level = 'silent';
  config.smtp.harvest = { freeUnknownRecipients: 3, delayMs: 20, maxUnknownRecipients: 8 };
  tune(config);

  const logger = createLogger(config);
  const store = await openStore(config);
  const services = createServices(config, store, logger, { defaultMetrics: false, ...(options.now ? { now: options.now } : {}) });
  const { directory, mail, queue, metrics, filter } = services;
  const system = systemActor();
  const domain = await directory.domains.create(system, { name: 'example.test' });
  await directory.domains.create(system, { name: 'alias.test', aliasOf: 'example.test' });
  const alice = await directory.accounts.create(system, { address: 'alice@example.test', password: PASSWORD, displayName: 'Alice' });
  const bob = await directory.accounts.create(system, { address: 'bob@example.test', password: PASSWORD });
  const tls = await loadTlsMaterial(config, logger);
  const smtp = await startSmtp({
    smtp: config.smtp, listeners: config.listeners, hostname: config.hostname, spoolDir: join(config.dataDir, 'spool'),
    tlsSettings: config.tls, logger, auth: directory.auth, intake: services.intake, tls, metrics, dns: services.dns, trace: services.trace, gate: services.connections,
  });
  const a = smtp.addresses;

  return {
    config, store, services, directory, mail, queue, metrics, trace: services.trace, filter, smtp, domain, alice, bob,
    ports: { smtp: a.smtp?.port ?? 0, submission: a.submission?.port ?? 0, smtps: a.smtps?.port ?? 0 },
    async messages(address, name = 'INBOX') {
      const account = await directory.accounts.get(system, address);
      const box = (await mail.mailboxes.find(system, account.id, name))?.mailbox;
      if (!box) return [];
      const list = await mail.messages.list(system, box.id);
      if (list.uids.length === 0) return [];
      const records = await mail.messages.fetch(system, box.id, [[list.uids[0], list.uids[list.uids.length - 1]]]);
      const out: string[] = [];
      for (const r of records) {
        const chunks: Buffer[] = [];
        for await (const c of await mail.messages.open(system, r)) chunks.push(c as Buffer);
        out.push(Buffer.concat(chunks).toString('utf8'));
      }
      return out;
    },
    async queued() {
      const page = await queue.list(system, { includeCompleted: true }, 0, 1000);
      const out = [];
      for (const item of page.items.reverse()) {
        const detail = await queue.inspect(system, item.id);
        out.push({ sender: item.sender, recipients: detail.recipients.map((r) => r.address), raw: (await store.blobs.read(item.blobId)).toString('utf8') });
      }
      return out;
    },
    async close() {
      await smtp.close();
      await filter.verdicts.flush();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** nodemailer over one listener; submission listeners authenticate as `user` when given. */
export function transport(h: SmtpHarness, listener: 'smtp' | 'submission' | 'smtps', user?: string, password = PASSWORD) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: h.ports[listener],
    secure: listener === 'smtps',
    requireTLS: listener === 'submission',
    ignoreTLS: listener === 'smtp',
    tls: { rejectUnauthorized: false },
    auth: user ? { user, pass: password } : undefined,
    name: 'client.example.org',
  });
}

/** The SMTP reply of a nodemailer failure ("550 5.1.1 …"). */
export function replyOf(err: unknown): string {
  const e = err as { response?: string; message?: string };
  return e.response ?? e.message ?? String(err);
}
