// Query filters of CalDAV (RFC 4791 §9.7) and CardDAV (RFC 6352 §10.5), as
// the DAV front end parses them and the calendar and contacts services
// evaluate them. Times are ms since the epoch; a missing bound is open.

/** RFC 4790 collations the servers must support (RFC 4791 §7.5.1, RFC 6352 §8.3). */
export type Collation = 'i;ascii-casemap' | 'i;octet' | 'i;unicode-casemap';

export const COLLATIONS: readonly Collation[] = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'];

export interface TextMatch {
  value: string;
  collation: Collation;
  negate: boolean;
  /** CardDAV match-type; CalDAV always "contains". */
  matchType: 'contains' | 'equals' | 'starts-with' | 'ends-with';
}

export interface TimeRange { start: number | null; end: number | null }

export interface ParamFilter {
  name: string;
  isNotDefined: boolean;
  textMatch: TextMatch | null;
}

export interface PropFilter {
  name: string;
  isNotDefined: boolean;
  timeRange: TimeRange | null;
  /** CalDAV has at most one; CardDAV may have several, combined by `test`. */
  textMatches: TextMatch[];
  params: ParamFilter[];
  /** CardDAV prop-filter test attribute (RFC 6352 §10.5.1). */
  test: 'anyof' | 'allof';
}

export interface CompFilter {
  name: string;
  isNotDefined: boolean;
  timeRange: TimeRange | null;
  props: PropFilter[];
  comps: CompFilter[];
}

/** CardDAV filter: prop-filters combined by `test` (RFC 6352 §10.5). */
export interface CardFilter {
  test: 'anyof' | 'allof';
  props: PropFilter[];
}

/** RFC 4791 §9.6: which parts of calendar data to return. */
export interface CalendarDataSpec {
  /** Component projection (§9.6.1); null = the whole object. */
  comp: CompSelection | null;
  /** §9.6.5: expand recurrences into instances within this range. */
  expand: TimeRange | null;
  /** §9.6.6: only overrides that affect this range. */
  limitRecurrenceSet: TimeRange | null;
}

export interface CompSelection {
  name: string;
  allProps: boolean;
  props: string[];
  allComps: boolean;
  comps: CompSelection[];
}

export function textMatches(candidate: string, m: TextMatch): boolean {
  let a = candidate;
  let b = m.value;
  if (m.collation === 'i;ascii-casemap') {
    a = a.replace(/[A-Z]/g, (c) => c.toLowerCase());
    b = b.replace(/[A-Z]/g, (c) => c.toLowerCase());
  } else if (m.collation === 'i;unicode-casemap') {
    a = a.normalize('NFKD').toLowerCase();
    b = b.normalize('NFKD').toLowerCase();
  }
  const hit = m.matchType === 'equals' ? a === b
    : m.matchType === 'starts-with' ? a.startsWith(b)
      : m.matchType === 'ends-with' ? a.endsWith(b) : a.includes(b);
  return m.negate ? !hit : hit;
}
