// The server as a whole, for the console: identity and health, storage per
// domain and per account, and a read-only view of the settings (they come
// from the configuration file and the environment; there is no write API).
// Role checks live here: settings are for server admins, storage figures
// follow the caller's domain scope.
import { X509Certificate } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DomainUsageList, SystemInfo, SystemSettings } from '../../../shared/src/schemas/system.ts';
import type { StoaConfig } from '../config/types.ts';
import type { Actor } from '../directory/api.ts';
import { inScope, requireAdmin, requireServerAdmin } from '../directory/access.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Store } from '../store/port.ts';
import type { TlsMaterial } from '../tls/tls-material.ts';

export interface SystemService {
  info(actor: Actor): Promise<SystemInfo>;
  settings(actor: Actor): Promise<SystemSettings>;
  storageByDomain(actor: Actor): Promise<DomainUsageList>;
  /** Usage of accounts and shared mailboxes the caller may see; others are left out (never an error that would reveal them). */
  accountUsage(actor: Actor, accountIds: readonly string[]): Promise<Array<{ accountId: string; bytes: number; messages: number }>>;
}

export interface SystemDeps {
  config: StoaConfig;
  store: Store;
  version: string;
  startedAt: Date;
  /** The certificate the TLS listeners use; absent when not loaded (HTTP-only tests). */
  tls?: () => TlsMaterial | null;
  queueWorker: boolean;
  now?: () => Date;
}

const MAX_USAGE_IDS = 500;

export function createSystemService(deps: SystemDeps): SystemService {
  const { config, store } = deps;
  const now = deps.now ?? (() => new Date());
  const setting = (key: string, value: unknown, description: string) => ({ key, value: Array.isArray(value) ? value.join(', ') || '(none)' : String(value ?? '(none)'), description });

  async function backups(): Promise<SystemSettings['backups']> {
    const directory = join(config.dataDir, 'backups');
    const items: SystemSettings['backups']['items'] = [];
    try {
      for (const e of await readdir(directory, { withFileTypes: true })) {
        const s = await stat(join(directory, e.name));
        items.push({ name: e.name, bytes: e.isFile() ? s.size : 0, modifiedAt: s.mtime.toISOString() });
      }
    } catch { /* no backups directory yet */ }
    items.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
    return { directory, items, howTo: `Run "stoa backup ${directory}/<name>" (online, consistent); see docs/operations.md.` };
  }

  function tlsView(): SystemSettings['tls'] {
    const material = deps.tls?.() ?? null;
    const base = { source: config.tls.certFile ? 'configured' as const : 'self-signed' as const, certFile: config.tls.certFile, minVersion: config.tls.minVersion };
    if (!material) return { ...base, subject: '(not loaded)', issuer: '', validFrom: '', validTo: '', altNames: [], fingerprint256: '' };
    const cert = new X509Certificate(material.cert);
    return {
      ...base, subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), validFrom: new Date(cert.validFrom).toISOString(),
      validTo: new Date(cert.validTo).toISOString(), altNames: (cert.subjectAltName ?? '').split(', ').filter(Boolean), fingerprint256: cert.fingerprint256,
    };
  }

  return {
    async info(actor) {
      requireAdmin(actor, 'see the server status');
      let ready = true;
      let detail: string | null = null;
      try { await store.ping(); } catch (err) { ready = false; detail = (err as Error).message; }
      return {
        version: deps.version, hostname: config.hostname, startedAt: deps.startedAt.toISOString(),
        uptimeSeconds: Math.max(0, Math.floor((now().getTime() - deps.startedAt.getTime()) / 1000)), node: process.version,
        store: { driver: store.kind, ready, detail }, queue: { worker: deps.queueWorker },
      };
    },

    async settings(actor) {
      requireServerAdmin(actor, 'see the server settings');
      const l = config.listeners;
      const f = config.filter;
      const q = config.queue;
      return {
        listeners: [
          { name: 'http', ...l.http, tls: 'none', plaintextAuth: null },
          { name: 'smtp', ...l.smtp, tls: 'starttls', plaintextAuth: null },
          { name: 'submission', enabled: l.submission.enabled, host: l.submission.host, port: l.submission.port, tls: 'starttls', plaintextAuth: l.submission.allowPlaintextAuth },
          { name: 'smtps', ...l.smtps, tls: 'implicit', plaintextAuth: null },
          { name: 'imap', enabled: l.imap.enabled, host: l.imap.host, port: l.imap.port, tls: 'starttls', plaintextAuth: l.imap.allowPlaintextAuth },
          { name: 'imaps', ...l.imaps, tls: 'implicit', plaintextAuth: null },
          { name: 'pop3', enabled: l.pop3.enabled, host: l.pop3.host, port: l.pop3.port, tls: 'starttls', plaintextAuth: l.pop3.allowPlaintextAuth },
          { name: 'pop3s', ...l.pop3s, tls: 'implicit', plaintextAuth: null },
        ].map(({ name, enabled, host, port, tls, plaintextAuth }) => ({ name, enabled, host, port, tls: tls as 'none' | 'starttls' | 'implicit', plaintextAuth })),
        tls: tlsView(),
        limits: [
          setting('smtp.maxMessageBytes', config.smtp.maxMessageBytes, 'Largest message accepted'),
          setting('smtp.maxRecipients', config.smtp.maxRecipients, 'Recipients per message'),
          setting('smtp.maxConnections', config.smtp.maxConnections, 'SMTP connections at once'),
          setting('smtp.maxConnectionsPerIp', config.smtp.maxConnectionsPerIp, 'SMTP connections per client IP'),
          setting('api.bodyLimitBytes', config.api.bodyLimitBytes, 'Largest API request body'),
          setting('api.sessionTtlHours', config.api.sessionTtlHours, 'Console session lifetime'),
          setting('auth.minPasswordLength', config.auth.minPasswordLength, 'Shortest password'),
          setting('auth.throttle.ipFreeFailures', config.auth.throttle.ipFreeFailures, 'Failed logins per IP before delays'),
          setting('auth.throttle.accountFreeFailures', config.auth.throttle.accountFreeFailures, 'Failed logins per account before delays'),
          setting('console.liveMaxClients', config.console.liveMaxClients, 'Live-channel viewers at once'),
        ],
        store: [
          setting('store.driver', config.store.driver, 'Storage backend'),
          setting('dataDir', config.dataDir, 'Data directory'),
          ...(config.store.driver === 'sqlite'
            ? [
              setting('store.sqlite.path', config.store.sqlite.path, 'Database file'), setting('store.blobs.path', config.store.blobs.path, 'Message bodies'),
              setting('store.blobs.inlineMaxBytes', config.store.blobs.inlineMaxBytes, 'Bodies up to this size kept in the database'),
            ]
            : [setting('store.mongodb.database', config.store.mongodb.database, 'Database')]),
          setting('store.blobs.gcGraceHours', config.store.blobs.gcGraceHours, 'Unreferenced bodies kept this long'),
        ],
        filter: [
          setting('filter.dnsbl.zones', f.dnsbl.zones, 'DNS blocklists consulted'),
          setting('filter.dnsbl.action', f.dnsbl.action, 'What a listed client gets'),
          setting('filter.greylist.enabled', f.greylist.enabled, 'Greylisting of unknown senders'),
          setting('filter.greylist.delaySeconds', f.greylist.delaySeconds, 'Greylisting delay'),
          setting('filter.rateLimit.messagesPerHour', f.rateLimit.messagesPerHour, 'Submissions per account and hour (0 = none)'),
          setting('filter.ipAllow', f.ipAllow, 'Networks that skip blocklists and greylisting'),
          setting('filter.ipDeny', f.ipDeny, 'Networks refused at connect'),
          setting('mailAuth.dmarcPolicy', config.mailAuth.dmarcPolicy, 'What a DMARC failure does to inbound mail'),
        ],
        relay: [
          setting('queue.smarthost.host', q.smarthost.host ?? '(deliver to MX hosts directly)', 'Relay host for all outbound mail'),
          setting('queue.smarthost.tls', q.smarthost.tls, 'Smarthost transport security'),
          setting('queue.lifetimeMs', q.lifetimeMs, 'A deferred message fails after this long'),
          setting('queue.retryScheduleMs', q.retryScheduleMs, 'Delays between retries'),
          setting('queue.limits.globalConnections', q.limits.globalConnections, 'Outbound connections at once'),
          setting('queue.limits.perDomainConnections', q.limits.perDomainConnections, 'Outbound connections per destination'),
          setting('queue.worker.enabled', q.worker.enabled, 'This node delivers the queue'),
        ],
        backups: await backups(),
      };
    },

    async storageByDomain(actor) {
      requireAdmin(actor, 'see storage');
      const rows = (await store.messages.usageByDomain()).filter((u) => inScope(actor, u.domainId));
      const items: DomainUsageList['items'] = [];
      for (const u of rows) {
        const domain = await store.domains.get(u.domainId);
        if (domain) items.push({ domainId: u.domainId, name: domain.name, accounts: u.accounts, bytes: u.bytes, messages: u.messages });
      }
      items.sort((a, b) => b.bytes - a.bytes);
      return { items };
    },

    async accountUsage(actor, accountIds) {
      requireAdmin(actor, 'see storage');
      const ids = [...new Set(accountIds)];
      // One page of a list is what the console asks for; more is refused rather than quietly cut.
      if (ids.length > MAX_USAGE_IDS) throw new StoaError('STOA_VALIDATION', `At most ${MAX_USAGE_IDS} accounts at once`, { errors: [{ path: '/querystring/ids', message: `at most ${MAX_USAGE_IDS} ids` }] });
      const usage = await store.messages.usageOf(ids);
      const out: Array<{ accountId: string; bytes: number; messages: number }> = [];
      for (const id of ids) {
        // A shared mailbox owns mail as an account does (same id space, docs/shared-mailboxes.md).
        const owner = await store.accounts.get(id) ?? await store.sharedMailboxes.get(id);
        if (!owner || !inScope(actor, owner.domainId)) continue;
        out.push({ accountId: id, ...(usage.get(id) ?? { bytes: 0, messages: 0 }) });
      }
      return out;
    },
  };
}
