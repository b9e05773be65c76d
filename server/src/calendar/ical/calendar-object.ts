// Parsing and checking one calendar object resource (RFC 4791 §4.1): one
// VCALENDAR, components of one type sharing one UID (a master and its
// overridden instances), VTIMEZONEs for the zones they use, no METHOD.
// Line structure is checked before ical.js sees the text (broken folding,
// nesting depth, component count), so hostile input fails fast with a
// reason instead of costing the parser.
import type ICAL from 'ical.js';
import { ical } from './ical.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { ZoneResolver } from './zones.ts';

export type Component = InstanceType<typeof ICAL.Component>;

export interface CalendarLimits {
  maxBytes: number;
  /** Components (VEVENT, VALARM, VTIMEZONE, STANDARD …) in one object. */
  maxComponents: number;
  /** BEGIN nesting depth (VCALENDAR > VEVENT > VALARM is 3). */
  maxDepth: number;
}

export const DEFAULT_CALENDAR_LIMITS: CalendarLimits = { maxBytes: 1024 * 1024, maxComponents: 2000, maxDepth: 6 };

export interface CalendarObject {
  root: Component;
  uid: string;
  /** VEVENT, VTODO, VJOURNAL or VFREEBUSY. */
  type: string;
  /** The components of that type: the master (no RECURRENCE-ID) first when there is one. */
  components: Component[];
  master: Component | null;
  overrides: Component[];
  zones: ZoneResolver;
}

const SCHEDULABLE = new Set(['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY']);

function invalid(detail: string): StoaError {
  return new StoaError('STOA_DAV_INVALID_DATA', detail);
}

/**
 * RFC 5545 §3.1: content lines folded with CRLF + one space or tab. A line
 * that is neither a continuation nor "name[;params]:value" means broken
 * folding (often a folded line that lost its leading space).
 */
export function checkLines(text: string, limits: CalendarLimits): void {
  const lines = text.split(/\r?\n/);
  let depth = 0;
  let components = 0;
  let started = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (!started) throw invalid(`line ${i + 1} continues a line that does not exist`);
      continue;
    }
    started = true;
    if (!/^[A-Za-z0-9-]+[;:]/.test(line)) throw invalid(`line ${i + 1} is not a content line (broken line folding?): "${line.slice(0, 40)}"`);
    const m = /^(BEGIN|END):(.*)$/i.exec(line);
    if (!m) continue;
    if (m[1].toUpperCase() === 'BEGIN') {
      depth++;
      components++;
      if (depth > limits.maxDepth) throw invalid(`components nested deeper than ${limits.maxDepth}`);
      if (components > limits.maxComponents) throw invalid(`more than ${limits.maxComponents} components`);
    } else {
      depth--;
      if (depth < 0) throw invalid(`END:${m[2]} without BEGIN`);
    }
  }
  if (depth !== 0) throw invalid('truncated: a BEGIN has no matching END');
}

function parseRoot(text: string): Component {
  let jcal: unknown;
  try {
    jcal = ical().parse(text);
  } catch (err) {
    throw invalid(`not valid iCalendar: ${(err as Error).message}`);
  }
  // ICAL.parse returns an array of components when the text holds several.
  if (!Array.isArray(jcal) || typeof jcal[0] !== 'string') throw invalid('exactly one VCALENDAR is expected');
  const root = new (ical().Component)(jcal as unknown[]);
  if (root.name !== 'vcalendar') throw invalid(`the top-level component is ${root.name.toUpperCase()}, not VCALENDAR`);
  return root;
}

/** Every TZID parameter in the components (not inside VTIMEZONE). */
function usedZones(c: Component, out: Set<string>): void {
  for (const prop of c.getAllProperties()) {
    const tzid = prop.getParameter('tzid');
    if (typeof tzid === 'string') out.add(tzid);
  }
  for (const sub of c.getAllSubcomponents()) usedZones(sub, out);
}

/**
 * Parses and checks a calendar object resource. `floatingZone` is the
 * calendar's time zone for floating times. Throws STOA_DAV_INVALID_DATA.
 */
export function parseCalendarObject(text: string, limits: CalendarLimits = DEFAULT_CALENDAR_LIMITS, floatingZone: string | null = null): CalendarObject {
  if (Buffer.byteLength(text) > limits.maxBytes) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${limits.maxBytes} bytes`);
  if (!/^BEGIN:VCALENDAR\r?\n/i.test(text.replace(/^\uFEFF/, ''))) throw invalid('the body does not start with BEGIN:VCALENDAR');
  checkLines(text, limits);
  const root = parseRoot(text.replace(/^\uFEFF/, ''));
  // RFC 4791 §4.1: calendar object resources carry no METHOD (iTIP messages do).
  if (root.hasProperty('method')) throw new StoaError('STOA_DAV_INVALID_DATA', 'METHOD is not allowed in a stored calendar object (RFC 4791 §4.1)');
  const vtimezones: Component[] = [];
  const components: Component[] = [];
  for (const sub of root.getAllSubcomponents()) {
    if (sub.name === 'vtimezone') vtimezones.push(sub);
    else if (SCHEDULABLE.has(sub.name.toUpperCase())) components.push(sub);
    // X- components are kept as they are.
  }
  if (components.length === 0) throw invalid('no VEVENT, VTODO, VJOURNAL or VFREEBUSY');
  const type = components[0].name.toUpperCase();
  if (components.some((c) => c.name.toUpperCase() !== type)) throw new StoaError('STOA_DAV_INVALID_DATA', 'components of different types in one resource (RFC 4791 §4.1)');
  const uids = new Set(components.map((c) => String(c.getFirstPropertyValue('uid') ?? '')));
  if (uids.has('')) throw invalid(`a ${type} has no UID`);
  if (uids.size > 1) throw invalid('components with different UIDs in one resource (RFC 4791 §4.1)');
  const uid = String([...uids][0]);
  if (uid.length > 1000) throw invalid('UID longer than 1000 characters');
  const zones = new ZoneResolver(vtimezones, floatingZone);
  const used = new Set<string>();
  for (const c of components) usedZones(c, used);
  for (const tzid of used) if (!zones.knows(tzid)) throw invalid(`unknown time zone "${tzid}": include its VTIMEZONE`);
  const masters = components.filter((c) => !c.hasProperty('recurrence-id'));
  if (masters.length > 1) throw invalid(`more than one ${type} without RECURRENCE-ID`);
  const master = masters[0] ?? null;
  const overrides = components.filter((c) => c.hasProperty('recurrence-id'));
  // Every date-time must be readable (ical.js reads lazily: force it here, not in a later query).
  for (const c of components) {
    for (const name of ['dtstart', 'dtend', 'due', 'recurrence-id', 'duration']) {
      try {
        const v = c.getFirstPropertyValue(name);
        if (v && typeof v === 'object' && 'year' in v) zones.instant(v as InstanceType<typeof ICAL.Time>);
      } catch (err) {
        throw invalid(`${name.toUpperCase()}: ${(err as Error).message}`);
      }
    }
    for (const rrule of c.getAllProperties('rrule')) {
      const v = rrule.getFirstValue();
      if (!v || typeof v !== 'object' || !('freq' in v) || !v.freq) throw invalid('RRULE without FREQ');
    }
  }
  return { root, uid, type, components: master ? [master, ...overrides] : overrides, master, overrides, zones };
}
