// The filter service as the filter reports and benchmarks run it in process
// (rule-report.ts, message-cpu.ts): ../../support/filter-service.ts, and a
// message judged at the DATA stage as an MTA would hand it over, from a
// public address with a resolvable-looking HELO.
import { Readable } from 'node:stream';
import type { FilterService } from '../../../server/src/filter/filter-service.ts';
import { openTestFilter, silentLog as log, type TestFilter } from '../../support/filter-service.ts';
import { envelopeSender } from './envelope.ts';

export const openBenchFilter = (prefix: string): Promise<TestFilter> => openTestFilter(prefix, 'mx.bench.test');

/** Judges `raw` for one recipient at the DATA stage; the sender is its Return-Path (or From). */
export function judge(filter: FilterService, raw: Buffer, recipient: { address: string; domain: string }): ReturnType<FilterService['evaluateMessage']> {
  const session = filter.session({ direction: 'inbound', ip: '198.51.100.25', clientHostname: 'mail.sender.example', log });
  session.helo = 'mail.sender.example';
  const ctx = filter.transaction(session);
  ctx.sender = envelopeSender(raw);
  ctx.recipients = [{ ...recipient, accountId: 'bench-user' }];
  return filter.evaluateMessage(ctx, { raw, size: raw.length, stream: () => Readable.from([raw]) });
}
