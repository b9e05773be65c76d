// Domain errors as DAV answers (RFC 4918 §16): the status from the error
// catalogue, and a DAV:error body naming the precondition that failed
// (RFC 4791 §1.3 / RFC 6352 §1.3 CalDAV and CardDAV preconditions).
import { ERRORS, isStoaError, type ErrorCode } from '../../errors/catalogue.ts';
import type { DavResponse } from './context.ts';
import { XmlError, DAV_NS } from './wire/xml-parser.ts';
import { CALDAV_NS, CARDDAV_NS, d, x, type XNode } from './wire/xml-writer.ts';

/** Which namespace's preconditions apply: the target's kind. */
export type ErrorFlavour = 'calendar' | 'addressbook' | null;

function precondition(code: ErrorCode, flavour: ErrorFlavour, detail: string | undefined): XNode | null {
  const ns = flavour === 'addressbook' ? CARDDAV_NS : CALDAV_NS;
  switch (code) {
    case 'STOA_DAV_INVALID_DATA':
      return flavour === 'addressbook' ? x(CARDDAV_NS, 'valid-address-data') : x(CALDAV_NS, /UID|METHOD|types|resource/.test(detail ?? '') ? 'valid-calendar-object-resource' : 'valid-calendar-data');
    case 'STOA_DAV_UID_CONFLICT': return x(ns, 'no-uid-conflict');
    case 'STOA_DAV_UNSUPPORTED_COMPONENT': return x(CALDAV_NS, 'supported-calendar-component');
    case 'STOA_DAV_TOO_LARGE': return x(ns, 'max-resource-size');
    case 'STOA_DAV_TOO_MANY_INSTANCES': return x(CALDAV_NS, 'max-instances');
    case 'STOA_DAV_COLLECTION_EXISTS': return d('resource-must-be-null');
    case 'STOA_FORBIDDEN': return d('need-privileges');
    case 'STOA_OVER_QUOTA': return d('quota-not-exceeded');
    case 'STOA_DAV_RANGE_TOO_WIDE': return x(CALDAV_NS, 'max-date-time');
    default: return null;
  }
}

/** The response for an error a handler threw; null for errors that are not ours (500). */
export function errorResponse(err: unknown, flavour: ErrorFlavour): DavResponse | null {
  if (err instanceof XmlError) {
    const status = err.kind === 'too-large' ? 413 : 400;
    return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${err.message}\n` };
  }
  if (!isStoaError(err)) return null;
  const spec = ERRORS[err.code];
  const headers: Record<string, string> = {};
  if (err.retryAfterSeconds) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
  const pre = precondition(err.code, flavour, err.detail);
  const status = err.code === 'STOA_UNAUTHENTICATED' || err.code === 'STOA_AUTH_FAILED' ? 401 : spec.status;
  if (status === 401) headers['www-authenticate'] = 'Basic realm="Stoa", charset="UTF-8"';
  const text = err.detail ? `${spec.title}: ${err.detail}` : spec.title;
  if (!pre) return { status, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, body: `${text}\n` };
  // The human-readable reason travels beside the precondition (RFC 4918 §16 allows extra elements).
  return { status, headers, xml: d('error', pre, x('http://stoa.dev/ns/', 'reason', text)) };
}

export const DAV = DAV_NS;
