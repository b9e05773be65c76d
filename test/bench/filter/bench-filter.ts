// The filter service as the filter reports and benchmarks run it in process
// (rule-report.ts, message-cpu.ts): a temp SQLite store, the default config
// with DNS pointed at 127.0.0.1:9 (every lookup refused at once), and a
// message judged at the DATA stage as an MTA would hand it over, from a
// public address with a resolvable-looking HELO.
import { Readable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { defaultConfig } from '../../../server/src/config/schema.ts';
import type { StoaConfig } from '../../../server/src/config/schema.ts';
import { createFilterService, type FilterService } from '../../../server/src/filter/filter-service.ts';
import { createDnsResolver } from '../../../server/src/mail-auth/dns-resolver.ts';
import { createInboundAuthenticator } from '../../../server/src/mail-auth/inbound.ts';
import { openSqliteStore } from '../../../server/src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../../cli/run-stoa.ts';
import { envelopeSender } from './envelope.ts';

export const log = pino({ level: 'silent' });

export interface BenchFilter {
  config: StoaConfig;
  filter: FilterService;
  /** Closes the store and removes its temp dir. */
  close(): Promise<void>;
}

export async function openBenchFilter(prefix: string): Promise<BenchFilter> {
  const dir = tempDir(prefix);
  const config = defaultConfig();
  config.dataDir = dir.path;
  config.hostname = 'mx.bench.test';
  config.dns.servers = ['127.0.0.1:9'];
  config.dns.timeoutMs = 200;
  const store = await openSqliteStore({ path: join(dir.path, 'stoa.db'), blobsPath: join(dir.path, 'blobs') });
  const filter = createFilterService({ config, store, logger: log, dns: createDnsResolver(config), inbound: createInboundAuthenticator(config, log), deliverReleased: async () => undefined });
  return {
    config,
    filter,
    async close() {
      await store.close();
      dir.cleanup();
    },
  };
}

/** Judges `raw` for one recipient at the DATA stage; the sender is its Return-Path (or From). */
export function judge(filter: FilterService, raw: Buffer, recipient: { address: string; domain: string }): ReturnType<FilterService['evaluateMessage']> {
  const session = filter.session({ direction: 'inbound', ip: '198.51.100.25', clientHostname: 'mail.sender.example', log });
  session.helo = 'mail.sender.example';
  const ctx = filter.transaction(session);
  ctx.sender = envelopeSender(raw);
  ctx.recipients = [{ ...recipient, accountId: 'bench-user' }];
  return filter.evaluateMessage(ctx, { raw, size: raw.length, stream: () => Readable.from([raw]) });
}
