// The compiled form of a script: every command and test with its arguments
// checked and typed, so the interpreter never looks at syntax again. A
// compiled script is immutable and can be cached and shared between runs.
import type { SievePosition } from './errors.ts';

/**
 * A string argument. With "variables" in use, `${…}` references in it are
 * expanded at run time (RFC 5229 §3); `vars` says whether it has any, so
 * constant strings cost nothing.
 */
export interface Str {
  text: string;
  vars: boolean;
}

export type Comparator = 'i;octet' | 'i;ascii-casemap' | 'i;ascii-numeric' | 'i;unicode-casemap';
/** RFC 5231 §4 relational operators. */
export type Relation = 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';
export type MatchType = 'is' | 'contains' | 'matches' | 'regex' | 'value' | 'count';

export interface MatchSpec {
  type: MatchType;
  relation: Relation | null;
  comparator: Comparator;
}

/** RFC 5228 §2.7.4 address parts. */
export type AddressPart = 'all' | 'localpart' | 'domain';

/** RFC 5260 §6: :index n [:last] — which occurrence of a header field. */
export interface IndexSpec {
  index: number;
  last: boolean;
}

/** RFC 5260 §4: the zone a date is shown in. */
export type ZoneSpec = { kind: 'local' } | { kind: 'original' } | { kind: 'fixed'; minutes: number };

export type DatePart =
  | 'year' | 'month' | 'day' | 'date' | 'julian' | 'hour' | 'minute' | 'second' | 'time' | 'iso8601' | 'std11' | 'zone' | 'weekday';

export type BodyTransform = { kind: 'raw' } | { kind: 'text' } | { kind: 'content'; types: Str[] };

type At = SievePosition;

export type Test = At & (
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'not'; test: Test }
  | { kind: 'allof' | 'anyof'; tests: Test[] }
  | { kind: 'address'; match: MatchSpec; part: AddressPart; headers: Str[]; keys: Str[]; index: IndexSpec | null }
  | { kind: 'header'; match: MatchSpec; headers: Str[]; keys: Str[]; index: IndexSpec | null }
  | { kind: 'envelope'; match: MatchSpec; part: AddressPart; fields: Str[]; keys: Str[] }
  | { kind: 'exists'; headers: Str[] }
  | { kind: 'size'; over: boolean; limit: number }
  | { kind: 'body'; match: MatchSpec; transform: BodyTransform; keys: Str[] }
  | { kind: 'date'; match: MatchSpec; zone: ZoneSpec; header: Str; part: DatePart; keys: Str[]; index: IndexSpec | null }
  | { kind: 'currentdate'; match: MatchSpec; zone: ZoneSpec; part: DatePart; keys: Str[] }
  | { kind: 'hasflag'; match: MatchSpec; variables: Str[] | null; keys: Str[] }
  | { kind: 'string'; match: MatchSpec; sources: Str[]; keys: Str[] }
  | { kind: 'spamtest' | 'virustest'; match: MatchSpec; percent: boolean; keys: Str[] }
  | { kind: 'mailboxexists'; names: Str[] }
);

/** RFC 5229 §4 modifiers of "set", applied in the order of §4.1 (precedence). */
export type SetModifier = 'lower' | 'upper' | 'lowerfirst' | 'upperfirst' | 'quotewildcard' | 'quoteregex' | 'length';

export interface VacationSpec {
  /** Seconds between two replies to one sender (:days × 86400 or :seconds, RFC 6131). */
  periodSeconds: number | null;
  subject: Str | null;
  from: Str | null;
  addresses: Str[];
  mime: boolean;
  handle: Str | null;
  reason: Str;
}

export type Command = At & (
  | { kind: 'if'; branches: { test: Test; block: Command[] }[]; otherwise: Command[] | null }
  | { kind: 'stop' }
  | { kind: 'keep'; flags: Str[] | null }
  | { kind: 'discard' }
  | { kind: 'redirect'; address: Str; copy: boolean }
  | { kind: 'fileinto'; mailbox: Str; copy: boolean; create: boolean; flags: Str[] | null }
  | { kind: 'reject' | 'ereject'; reason: Str }
  | { kind: 'setflag' | 'addflag' | 'removeflag'; variable: Str | null; flags: Str[] }
  | { kind: 'set'; name: string; value: Str; modifiers: SetModifier[] }
  | { kind: 'vacation'; vacation: VacationSpec }
  | { kind: 'include'; location: 'personal' | 'global'; name: string; once: boolean; optional: boolean }
  | { kind: 'return' }
  | { kind: 'global'; names: string[] }
);

export interface CompiledScript {
  commands: Command[];
  /** Extensions named by "require" (RFC 5228 §3.2). */
  requires: ReadonlySet<string>;
  /** Scripts this one includes (RFC 6609), for loading them before a run. */
  includes: readonly { location: 'personal' | 'global'; name: string; optional: boolean }[];
  /** Size of the source in UTF-8 octets. */
  sizeBytes: number;
}
