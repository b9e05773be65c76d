// OPTIONS (RFC 4918 §10.1 DAV header, RFC 4791 §5.1 calendar-access,
// RFC 6352 §6.1 addressbook, RFC 6578 sync is advertised by the report set).
import type { DavMethod } from '../context.ts';

export const DAV_CLASSES = '1, 3, access-control, calendar-access, calendar-auto-schedule, addressbook, extended-mkcol, calendar-proxy';
export const ALLOWED = 'OPTIONS, GET, HEAD, PUT, DELETE, POST, PROPFIND, PROPPATCH, MKCOL, MKCALENDAR, REPORT, COPY, MOVE';

export const options: DavMethod = {
  name: 'OPTIONS',
  async handle() {
    return { status: 200, headers: { dav: DAV_CLASSES, allow: ALLOWED, 'content-length': '0' } };
  },
};
