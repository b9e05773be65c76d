// GET and HEAD (RFC 4918 §9.4): an object's body with its strong ETag;
// collections answer with a short text listing (clients do not rely on it).
// vCards are converted when the Accept header asks for the other version
// (RFC 6352 §6.3.2.2 … by content negotiation on "version").
import type { DavContext, DavMethod, DavResponse } from '../context.ts';
import { header } from '../context.ts';
import type { Resource } from '../resource.ts';
import { fileOf } from '../files.ts';
import { cardLimits, shapeCard } from '../../../contacts/card-shape.ts';

function vcardVersion(accept: string | undefined): '3.0' | '4.0' | null {
  if (!accept) return null;
  if (/text\/vcard[^,]*version\s*=\s*"?4\.0/i.test(accept)) return '4.0';
  if (/text\/vcard[^,]*version\s*=\s*"?3\.0/i.test(accept)) return '3.0';
  return null;
}

function notModified(ctx: DavContext, etag: string): boolean {
  const inm = header(ctx, 'if-none-match');
  return inm !== undefined && (inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${etag}"`));
}

export async function getResponse(ctx: DavContext, target: Resource, head: boolean): Promise<DavResponse> {
  if (target.type === 'object' && target.object) {
    const obj = target.object;
    if (notModified(ctx, obj.etag)) return { status: 304, headers: { etag: `"${obj.etag}"` } };
    if (target.kind === 'files') {
      const file = fileOf(obj);
      const body = Buffer.from(file.body, 'base64');
      const headers = { 'content-type': file.type, etag: `"${obj.etag}"`, 'last-modified': new Date(obj.updatedAt).toUTCString() };
      return head ? { status: 200, headers: { ...headers, 'content-length': String(body.length) } } : { status: 200, headers, body };
    }
    let body = obj.data;
    let type = `text/calendar; charset=utf-8; component=${obj.component.toLowerCase()}`;
    if (target.kind === 'addressbook') {
      const version = vcardVersion(header(ctx, 'accept'));
      body = version ? shapeCard(obj.data, { version, props: null }, cardLimits(ctx.config.maxResourceBytes)) : obj.data;
      type = `text/vcard; charset=utf-8${version ? `; version=${version}` : ''}`;
    }
    const headers: Record<string, string> = { 'content-type': type, etag: `"${obj.etag}"`, 'last-modified': new Date(obj.updatedAt).toUTCString() };
    if (obj.scheduleTag) headers['schedule-tag'] = `"${obj.scheduleTag}"`;
    return head ? { status: 200, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } } : { status: 200, headers, body };
  }
  if (target.type === 'directory-object') {
    const version = vcardVersion(header(ctx, 'accept'));
    const body = version ? shapeCard(target.data, { version, props: null }, cardLimits(ctx.config.maxResourceBytes)) : target.data;
    return { status: 200, headers: { 'content-type': 'text/vcard; charset=utf-8', etag: `"${target.etag}"` }, body: head ? '' : body };
  }
  if (target.type === 'missing' || target.type === 'object') return { status: 404 };
  const text = `Stoa CalDAV/CardDAV: ${target.href}\nUse a calendar or address book client with this address.\n`;
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: head ? '' : text };
}

export const get: DavMethod = { name: 'GET', handle: (ctx) => getResponse(ctx, ctx.target, false) };
export const head: DavMethod = { name: 'HEAD', handle: (ctx) => getResponse(ctx, ctx.target, true) };
