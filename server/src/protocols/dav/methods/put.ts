// PUT of a calendar object or vCard (RFC 4791 §5.3.2, RFC 6352 §6.3.2) with
// If-Match / If-None-Match checked inside the store's write (RFC 9110
// §13.1: 412 when they fail). The service validates and computes the span.
import { StoaError } from '../../../errors/catalogue.ts';
import type { WriteCondition } from '../../../collections/api.ts';
import { header, type DavContext, type DavMethod } from '../context.ts';
import { d } from '../wire/xml-writer.ts';
import { fileOf, newFileData } from '../files.ts';

/** A quoted strong tag; a weak or malformed one never matches a strong comparison. */
function strongTag(value: string): string {
  const m = /^"([^"]*)"/.exec(value.trim());
  return m ? m[1] : '\u0000no-match';
}

/**
 * If-Match / If-None-Match (only strong tags of one resource are meaningful
 * here) and RFC 6638 §3.2.9 If-Schedule-Tag-Match, as the service's write
 * condition.
 */
export function writeCondition(ctx: DavContext): WriteCondition {
  const ifMatch = header(ctx, 'if-match');
  const ifNoneMatch = header(ctx, 'if-none-match');
  const ifScheduleTag = header(ctx, 'if-schedule-tag-match');
  const schedule: WriteCondition = ifScheduleTag !== undefined ? { scheduleTag: strongTag(ifScheduleTag) } : {};
  if (ifNoneMatch?.trim() === '*') return { ...schedule, etag: null };
  if (ifMatch !== undefined && ifMatch.trim() !== '*') return { ...schedule, etag: strongTag(ifMatch) };
  return schedule;
}

function mediaOk(ctx: DavContext, kind: 'calendar' | 'addressbook' | 'files'): boolean {
  const ct = (header(ctx, 'content-type') ?? '').toLowerCase();
  if (ct === '') return true;
  return kind === 'calendar' ? /text\/calendar|application\/octet-stream|text\/plain/.test(ct) : /text\/(x-)?vcard|text\/directory|application\/octet-stream|text\/plain/.test(ct);
}

export const put: DavMethod = {
  name: 'PUT',
  async handle(ctx) {
    const t = ctx.target;
    let collectionId: string;
    let name: string;
    let kind: 'calendar' | 'addressbook' | 'files';
    if (t.type === 'object') {
      collectionId = t.parent.view.collection.id;
      name = t.name;
      kind = t.kind;
    } else if (t.type === 'missing' && t.parent?.type === 'collection') {
      collectionId = t.parent.view.collection.id;
      name = t.segment;
      kind = t.parent.kind;
    } else if (t.type === 'directory-object' || (t.type === 'missing' && t.parent?.type === 'directory')) {
      // The global address list is read-only (RFC 3744 §3: no DAV:bind or DAV:write-content there).
      return { status: 403, xml: d('error', d('need-privileges')) };
    } else if (t.type === 'missing') {
      return { status: 409, body: 'the parent collection does not exist\n' };
    } else {
      return { status: 405, body: 'PUT is for objects inside a calendar or address book\n' };
    }
    if (kind === 'files') {
      const body = ctx.body ?? Buffer.alloc(0);
      if (body.length > ctx.config.maxResourceBytes) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${ctx.config.maxResourceBytes} bytes`);
      // Dead properties stay with a file that is overwritten (RFC 4918 §9.7.1 leaves it open; clients expect it).
      const props = t.type === 'object' && t.object ? fileOf(t.object).props : {};
      const data = newFileData(body, header(ctx, 'content-type') ?? 'application/octet-stream', props);
      const { object, created } = await ctx.services.collections.putObject(ctx.actor, collectionId, name, data, writeCondition(ctx));
      return { status: created ? 201 : 204, headers: { etag: `"${object.etag}"` } };
    }
    if (!mediaOk(ctx, kind)) return { status: 415, xml: undefined, body: `expected ${kind === 'calendar' ? 'text/calendar' : 'text/vcard'}\n` };
    const text = (ctx.body ?? Buffer.alloc(0)).toString('utf8');
    if (text.includes('\uFFFD')) throw new StoaError('STOA_DAV_INVALID_DATA', 'the body is not valid UTF-8');
    if (Buffer.byteLength(text) > ctx.config.maxResourceBytes) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${ctx.config.maxResourceBytes} bytes`);
    // Calendar objects go through the calendar service, which also schedules (RFC 6638 §3.2).
    const { object, created } = kind === 'calendar'
      ? await ctx.services.calendar.put(ctx.actor, collectionId, name, text, writeCondition(ctx))
      : await ctx.services.collections.putObject(ctx.actor, collectionId, name, text, writeCondition(ctx));
    const headers: Record<string, string> = { etag: `"${object.etag}"` };
    if (object.scheduleTag) headers['schedule-tag'] = `"${object.scheduleTag}"`;
    return { status: created ? 201 : 204, headers };
  },
};
