// REPORT (RFC 3253 §3.6): the body's root element picks the report.
import type { DavMethod } from '../context.ts';
import { addressbookMultiget } from '../reports/addressbook-multiget.ts';
import { addressbookQuery } from '../reports/addressbook-query.ts';
import { calendarMultiget } from '../reports/calendar-multiget.ts';
import { calendarQuery } from '../reports/calendar-query.ts';
import { freeBusyQuery } from '../reports/free-busy-query.ts';
import { expandProperty, principalPropertySearch, principalSearchPropertySet } from '../reports/principal-reports.ts';
import type { DavReport } from '../reports/report-types.ts';
import { syncCollection } from '../reports/sync-collection.ts';
import { clarkOf, parseXml } from '../wire/xml-parser.ts';
import { d } from '../wire/xml-writer.ts';

export const REPORTS: ReadonlyMap<string, DavReport> = new Map([
  calendarQuery, calendarMultiget, freeBusyQuery, addressbookQuery, addressbookMultiget, syncCollection, expandProperty, principalPropertySearch, principalSearchPropertySet,
].map((r) => [r.name, r]));

export const report: DavMethod = {
  name: 'REPORT',
  async handle(ctx) {
    if (ctx.target.type === 'missing') return { status: 404 };
    if (!ctx.body || ctx.body.length === 0) return { status: 400, body: 'REPORT needs a body\n' };
    const root = parseXml(ctx.body, ctx.xmlLimits);
    const handler = REPORTS.get(clarkOf(root));
    if (!handler) return { status: 403, xml: d('error', d('supported-report')) };
    return handler.handle(ctx, root);
  },
};
