// Server-level views for the console: GET /system (version, uptime, store
// health), GET /system/settings (server admins; read-only), storage per
// domain and per account, and the DNS status of a domain. The services
// apply roles and domain scope.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { DnsStatusService } from '../../mail-auth/dns-status.ts';
import type { SystemService } from '../../system/system-service.ts';
import { ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { AccountUsageList, AccountUsageQuery } from '../../../../shared/src/schemas/bulk.ts';
import { DnsStatus, DomainUsageList, SystemInfo, SystemSettings } from '../../../../shared/src/schemas/system.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

export async function systemRoutes(app: FastifyInstance, opts: { system: SystemService; dnsStatus: DnsStatusService }): Promise<void> {
  const { system, dnsStatus } = opts;
  const config = { access: 'admin' as const };

  app.get('/system', {
    config,
    schema: { tags: ['system'], summary: 'Version, uptime and store health', response: { 200: SystemInfo, ...problemResponses } },
  }, async (request) => system.info(authOf(request).actor));

  app.get('/system/settings', {
    config,
    schema: { tags: ['system'], summary: 'Listeners, TLS certificate, limits, store, filter, relay and backups (server admins; read-only)', response: { 200: SystemSettings, ...problemResponses } },
  }, async (request) => system.settings(authOf(request).actor));

  app.get('/system/storage', {
    config,
    schema: { tags: ['system'], summary: 'Storage used per domain (your domains only for a domain admin)', response: { 200: DomainUsageList, ...problemResponses } },
  }, async (request) => system.storageByDomain(authOf(request).actor));

  app.get<{ Querystring: Static<typeof AccountUsageQuery> }>('/system/account-usage', {
    config,
    schema: {
      tags: ['system'], summary: 'Storage used by accounts and shared mailboxes (ids comma-separated, at most 500); those outside your scope are left out',
      querystring: AccountUsageQuery, response: { 200: AccountUsageList, ...problemResponses },
    },
  }, async (request) => ({ items: await system.accountUsage(authOf(request).actor, request.query.ids.split(',').map((s) => s.trim()).filter(Boolean)) }));

  app.get<{ Params: Static<typeof ObjectParams> }>('/domains/:id/dns', {
    config,
    schema: {
      tags: ['domains'], summary: 'DNS records to publish for a domain (MX, SPF, DKIM, DMARC, SRV, autoconfig) and what DNS answers now',
      params: ObjectParams, response: { 200: DnsStatus, ...problemResponses },
    },
  }, async (request) => dnsStatus.check(authOf(request).actor, request.params.id));
}
