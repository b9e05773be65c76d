// iCalendar and vCard input as the importer takes it: split into the
// resources CalDAV and CardDAV store (RFC 4791 §4.1: one UID per calendar
// object resource, with its overrides and the VTIMEZONEs it uses; RFC 6352
// §5.1: one vCard per resource), each checked so that invalid data is
// reported per item instead of reaching the services.
//
// Splitting is textual (content lines, RFC 5545 §3.1), so every component
// keeps its bytes; each resulting object is then parsed with ical.js to
// validate it. Input that already is one resource comes back unchanged.
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';

/** Data the importer cannot store, with the reason in words (report code "malformed"). */
export class MalformedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedError';
  }
}

/** Another object of the same input already has this UID (report code "duplicate-uid"). */
export class DuplicateUidError extends Error {
  readonly uid: string;
  constructor(uid: string) {
    super(`UID ${uid} appears more than once in the source`);
    this.name = 'DuplicateUidError';
    this.uid = uid;
  }
}

export interface CalendarObject {
  uid: string;
  kind: 'event' | 'task';
  text: string;
}

export interface VCardObject {
  uid: string;
  text: string;
}

export type Split<T> = Array<{ object: T } | { error: MalformedError | DuplicateUidError; label: string }>;

/** Largest single object parsed (a bounded parse; DESIGN.md "everything is bounded"). */
export const MAX_OBJECT_TEXT = 16 * 1024 * 1024;

/** A stable UID for data that has none (vCard 3.0 often, some iCalendar exports): the same input gives the same UID in every run. */
export function derivedUid(text: string): string {
  const h = createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
  return `stoa-import-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A content line with its continuation lines, as written, and its unfolded form. */
interface Line { raw: string; unfolded: string }

function contentLines(text: string): Line[] {
  const out: Line[] = [];
  for (const p of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const body = p.replace(/\r?\n$/, '');
    const raw = p.endsWith('\n') ? p : `${p}\r\n`;
    if ((p.startsWith(' ') || p.startsWith('\t')) && out.length > 0) {
      const last = out[out.length - 1];
      last.raw += raw;
      last.unfolded += body.slice(1);
    } else if (body.trim() !== '') {
      out.push({ raw, unfolded: body });
    }
  }
  return out;
}

const nameOf = (l: Line) => l.unfolded.slice(0, l.unfolded.search(/[;:]|$/)).toUpperCase();
const valueOf = (l: Line) => l.unfolded.slice(l.unfolded.indexOf(':') + 1);

interface Block { name: string; lines: Line[] }

/** Top-level components of a VCALENDAR (depth 1), each with all its nested lines. */
function blocks(lines: Line[]): { props: Line[]; children: Block[] } {
  const props: Line[] = [];
  const children: Block[] = [];
  let current: Block | null = null;
  let depth = 0;
  for (const l of lines) {
    const name = nameOf(l);
    if (name === 'BEGIN') {
      depth++;
      if (depth === 1) current = { name: valueOf(l).trim().toUpperCase(), lines: [] };
      current?.lines.push(l);
    } else if (name === 'END') {
      current?.lines.push(l);
      if (depth === 1 && current) {
        children.push(current);
        current = null;
      }
      depth = Math.max(0, depth - 1);
    } else if (current) current.lines.push(l);
    else props.push(l);
  }
  if (current) throw new MalformedError(`${current.name} began but did not end`);
  return { props, children };
}

/** Properties of the component itself (not of its VALARMs). */
function ownProps(b: Block): Line[] {
  const own: Line[] = [];
  let depth = 0;
  for (const l of b.lines) {
    const name = nameOf(l);
    if (name === 'BEGIN') depth++;
    else if (name === 'END') depth--;
    else if (depth === 1) own.push(l);
  }
  return own;
}

/** Hydrates the values a store would read, so bad ones fail here and not in the calendar service. */
function checkComponent(c: ICAL.Component): void {
  for (const name of ['dtstart', 'dtend', 'due', 'recurrence-id', 'rrule', 'exdate', 'rdate', 'duration', 'completed', 'dtstamp']) {
    for (const prop of c.getAllProperties(name)) {
      try {
        prop.getValues();
      } catch (err) {
        throw new MalformedError(`${name.toUpperCase()} is not valid: ${(err as Error).message}`);
      }
    }
  }
  if (c.name === 'vevent' && !c.hasProperty('dtstart')) throw new MalformedError('VEVENT without DTSTART (RFC 5545 §3.6.1)');
  for (const alarm of c.getAllSubcomponents('valarm')) {
    if (!alarm.hasProperty('trigger')) throw new MalformedError('VALARM without TRIGGER (RFC 5545 §3.6.6)');
  }
}

function validate(text: string): void {
  if (text.length > MAX_OBJECT_TEXT) throw new MalformedError(`object larger than ${MAX_OBJECT_TEXT} characters`);
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (err) {
    throw new MalformedError(`invalid iCalendar data: ${(err as Error).message}`);
  }
  const cal = new ICAL.Component(parsed as never);
  for (const c of cal.getAllSubcomponents()) if (c.name === 'vevent' || c.name === 'vtodo') checkComponent(c);
}

/** Splits iCalendar text (one or many VCALENDARs) into calendar object resources. */
export function splitCalendar(text: string, label = 'input'): Split<CalendarObject> {
  const out: Split<CalendarObject> = [];
  const lines = contentLines(text);
  if (lines.length === 0 || nameOf(lines[0]) !== 'BEGIN' || valueOf(lines[0]).trim().toUpperCase() !== 'VCALENDAR') {
    return [{ error: new MalformedError('invalid iCalendar data: it does not start with BEGIN:VCALENDAR'), label }];
  }
  let top: { props: Line[]; children: Block[] };
  try {
    top = blocks(lines);
  } catch (err) {
    return [{ error: err as MalformedError, label }];
  }
  const calendars = top.children.filter((b) => b.name === 'VCALENDAR');
  const seen = new Set<string>();
  for (const [n, calBlock] of calendars.entries()) {
    let inner: { props: Line[]; children: Block[] };
    try {
      inner = blocks(calBlock.lines.slice(1, -1));
    } catch (err) {
      out.push({ error: err as MalformedError, label: `${label} #${n + 1}` });
      continue;
    }
    const timezones = new Map<string, Block>();
    for (const b of inner.children) {
      if (b.name !== 'VTIMEZONE') continue;
      const tzid = ownProps(b).find((l) => nameOf(l) === 'TZID');
      if (tzid) timezones.set(valueOf(tzid).trim(), b);
    }
    const groups = new Map<string, { blocks: Block[]; derived: boolean }>();
    for (const b of inner.children) {
      if (b.name !== 'VEVENT' && b.name !== 'VTODO') continue;
      const uidLine = ownProps(b).find((l) => nameOf(l) === 'UID');
      let uid = uidLine ? valueOf(uidLine).trim() : '';
      let derived = false;
      if (uid === '') {
        uid = derivedUid(b.lines.map((l) => l.raw).join(''));
        const eol = b.lines[0].raw.endsWith('\r\n') ? '\r\n' : '\n';
        b.lines.splice(1, 0, { raw: `UID:${uid}${eol}`, unfolded: `UID:${uid}` });
        derived = true;
      }
      const g = groups.get(uid) ?? { blocks: [], derived };
      g.blocks.push(b);
      groups.set(uid, g);
    }
    if (groups.size === 0) {
      out.push({ error: new MalformedError('no VEVENT or VTODO in the VCALENDAR'), label: `${label} #${n + 1}` });
      continue;
    }
    for (const [uid, group] of groups) {
      try {
        if (seen.has(uid)) throw new DuplicateUidError(uid);
        const kinds = new Set(group.blocks.map((b) => b.name));
        if (kinds.size > 1) throw new MalformedError('a VEVENT and a VTODO share one UID');
        // A second master with the same UID is another object claiming it: the first is kept, the others reported.
        const masters = group.blocks.filter((b) => !ownProps(b).some((l) => nameOf(l) === 'RECURRENCE-ID'));
        for (const extra of masters.slice(1)) {
          out.push({ error: new DuplicateUidError(uid), label: `${label} UID ${uid}` });
          group.blocks.splice(group.blocks.indexOf(extra), 1);
        }
        const ids = group.blocks.flatMap((b) => ownProps(b).filter((l) => nameOf(l) === 'RECURRENCE-ID').map((l) => valueOf(l).trim()));
        if (new Set(ids).size !== ids.length) throw new MalformedError('two overrides with the same RECURRENCE-ID');
        seen.add(uid);
        const kind = group.blocks[0].name === 'VTODO' ? 'task' : 'event';
        let body: string;
        if (calendars.length === 1 && groups.size === 1 && !group.derived && masters.length <= 1) {
          body = text;
        } else {
          const tzids = new Set<string>();
          for (const b of group.blocks) for (const l of b.lines) for (const m of l.unfolded.matchAll(/;TZID=("[^"]*"|[^;:]*)/gi)) tzids.add(m[1].replace(/^"|"$/g, ''));
          const keep = inner.props.filter((l) => ['VERSION', 'PRODID', 'CALSCALE'].includes(nameOf(l)));
          if (!keep.some((l) => nameOf(l) === 'VERSION')) keep.unshift({ raw: 'VERSION:2.0\r\n', unfolded: 'VERSION:2.0' });
          if (!keep.some((l) => nameOf(l) === 'PRODID')) keep.push({ raw: 'PRODID:-//Stoa//Migration//EN\r\n', unfolded: 'PRODID:-//Stoa//Migration//EN' });
          const parts = [calBlock.lines[0].raw, ...keep.map((l) => l.raw)];
          for (const tzid of tzids) parts.push(...(timezones.get(tzid)?.lines.map((l) => l.raw) ?? []));
          for (const b of group.blocks) parts.push(...b.lines.map((l) => l.raw));
          parts.push(calBlock.lines[calBlock.lines.length - 1].raw);
          body = parts.join('');
        }
        validate(body);
        out.push({ object: { uid, kind, text: /\n$/.test(body) ? body : `${body}\r\n` } });
      } catch (err) {
        out.push({ error: err as MalformedError | DuplicateUidError, label: `${label} UID ${uid}` });
      }
    }
  }
  if (calendars.length === 0) out.push({ error: new MalformedError('no VCALENDAR in the input'), label });
  return out;
}

/** Splits vCard text into one object per card, each as written; a card without UID gets a derived one (RFC 6352 §5.1 requires it). */
export function splitVCards(text: string, label = 'input'): Split<VCardObject> {
  const lines = contentLines(text);
  let top: { props: Line[]; children: Block[] };
  try {
    top = blocks(lines);
  } catch (err) {
    return [{ error: err as MalformedError, label }];
  }
  const cards = top.children;
  if (cards.length === 0) return [{ error: new MalformedError('no BEGIN:VCARD in the input'), label }];
  const out: Split<VCardObject> = [];
  const seen = new Set<string>();
  for (const [i, block] of cards.entries()) {
    const where = cards.length === 1 ? label : `${label} card #${i + 1}`;
    try {
      if (block.name !== 'VCARD') throw new MalformedError(`expected VCARD, found ${block.name}`);
      let raw = block.lines.map((l) => l.raw).join('');
      if (raw.length > MAX_OBJECT_TEXT) throw new MalformedError(`vCard larger than ${MAX_OBJECT_TEXT} characters`);
      let card: ICAL.Component;
      try {
        card = new ICAL.Component(ICAL.parse(raw) as never);
      } catch (err) {
        throw new MalformedError(`invalid vCard: ${(err as Error).message}`);
      }
      const version = card.getFirstPropertyValue('version');
      if (version !== '3.0' && version !== '4.0') throw new MalformedError(`unsupported vCard VERSION ${String(version ?? '(missing)')}`);
      if (!card.hasProperty('fn')) throw new MalformedError('vCard without FN (RFC 6350 §6.2.1)');
      let uid = card.getFirstPropertyValue('uid');
      if (typeof uid !== 'string' || uid.trim() === '') {
        uid = derivedUid(raw);
        const eol = raw.includes('\r\n') ? '\r\n' : '\n';
        raw = raw.replace(/^END:VCARD/im, `UID:${uid}${eol}END:VCARD`);
      }
      if (seen.has(uid as string)) throw new DuplicateUidError(uid as string);
      seen.add(uid as string);
      out.push({ object: { uid: uid as string, text: cards.length === 1 && raw === text.trimStart() ? text : raw } });
    } catch (err) {
      out.push({ error: err as MalformedError, label: where });
    }
  }
  return out;
}
