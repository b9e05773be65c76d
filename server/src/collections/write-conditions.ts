// Conditions on a write to an object (RFC 9110 §13.1 If-Match and
// If-None-Match, RFC 6638 §3.2.9 If-Schedule-Tag-Match): the store checks
// entity tags inside its own write; the service checks the schedule tag in
// the same transaction, against the object as it is then.
import { StoaError } from '../errors/catalogue.ts';
import type { DavObject } from '../model/dav.ts';
import type { DavWriteCondition } from '../store/dav-port.ts';
import type { WriteCondition } from './api.ts';

/** The part of a write condition the store checks (entity tags). */
export function storeCondition(condition: WriteCondition): DavWriteCondition {
  return condition.etag === undefined ? {} : { etag: condition.etag };
}

/** RFC 6638 §3.2.9: If-Schedule-Tag-Match fails (412) unless the object exists with that schedule tag. */
export function checkScheduleTag(current: DavObject | null, condition: WriteCondition): void {
  if (condition.scheduleTag === undefined) return;
  if (!current || current.scheduleTag !== condition.scheduleTag) {
    throw new StoaError('STOA_PRECONDITION_FAILED', 'the schedule tag does not match (the organizer or attendee changed the event since)');
  }
}

