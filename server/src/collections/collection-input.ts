// Checks on what a client may name and set: collection and object names
// (one path segment, no dot names, bounded), colours, components, time zone.
import { StoaError } from '../errors/catalogue.ts';
import { CALENDAR_COMPONENTS, type CollectionKind, type DavCollection } from '../model/dav.ts';
import type { CollectionInput } from './api.ts';

const MAX_NAME = 255;
const MAX_PROPERTIES = 100;
const MAX_PROPERTY_BYTES = 16 * 1024;

function invalid(detail: string): StoaError {
  return new StoaError('STOA_VALIDATION', detail);
}

/** One path segment: printable, no "/", not "." or "..". */
export function checkObjectName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.length > MAX_NAME || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw invalid(`not a valid resource name: "${name.slice(0, 40)}"`);
  }
}

export type CheckedCollection = Pick<DavCollection, 'uri' | 'displayName' | 'description' | 'color' | 'order' | 'timezone' | 'components' | 'properties'>;

export function checkCollectionInput(kind: CollectionKind, input: CollectionInput, partial = false): CheckedCollection & Record<string, unknown> {
  // A folder of the file area is named by its path under the home, segment by segment.
  if (kind === 'files') {
    const segments = input.uri.split('/');
    if (segments.length > 32 || input.uri.length > 1000) throw invalid('folder path too long or too deep');
    segments.forEach(checkObjectName);
  } else checkObjectName(input.uri);
  const out: Record<string, unknown> = {};
  if (!partial || input.uri !== undefined) out.uri = input.uri;
  if (!partial || input.displayName !== undefined) out.displayName = (input.displayName ?? input.uri).slice(0, 500);
  if (!partial || input.description !== undefined) out.description = (input.description ?? '').slice(0, 5000);
  if (!partial || input.color !== undefined) {
    const color = input.color ?? null;
    if (color !== null && !/^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$/.test(color)) throw invalid(`not a colour: ${color}`);
    out.color = color;
  }
  if (!partial || input.order !== undefined) {
    if (input.order != null && !Number.isSafeInteger(input.order)) throw invalid('order must be an integer');
    out.order = input.order ?? null;
  }
  if (!partial || input.timezone !== undefined) {
    const tz = input.timezone ?? null;
    if (tz !== null && (tz.length > 64 * 1024 || !/BEGIN:VTIMEZONE/i.test(tz))) throw invalid('calendar-timezone must be a VCALENDAR with one VTIMEZONE');
    out.timezone = tz;
  }
  if (!partial || input.components !== undefined) {
    let components = (input.components ?? (kind === 'calendar' ? ['VEVENT', 'VTODO', 'VJOURNAL'] : [])).map((c) => c.toUpperCase());
    if (kind !== 'calendar') components = [];
    for (const c of components) if (!(CALENDAR_COMPONENTS as readonly string[]).includes(c)) throw new StoaError('STOA_DAV_UNSUPPORTED_COMPONENT', `${c} is not a supported calendar component`);
    if (kind === 'calendar' && components.length === 0) throw new StoaError('STOA_DAV_UNSUPPORTED_COMPONENT', 'a calendar must hold at least one component type');
    out.components = [...new Set(components)];
  }
  if (!partial) out.properties = mergeProperties({}, input.properties ?? {});
  return out as CheckedCollection & Record<string, unknown>;
}

/** Applies a set/remove of dead properties within the bounds. */
export function mergeProperties(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else {
      if (Buffer.byteLength(v) > MAX_PROPERTY_BYTES) throw new StoaError('STOA_DAV_TOO_LARGE', `property ${k} is larger than ${MAX_PROPERTY_BYTES} bytes`);
      next[k] = v;
    }
  }
  if (Object.keys(next).length > MAX_PROPERTIES) throw new StoaError('STOA_DAV_TOO_LARGE', `more than ${MAX_PROPERTIES} dead properties`);
  return next;
}
