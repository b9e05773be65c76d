// Reading the arguments of one command or test against what it accepts
// (RFC 5228 §2.6: positional and tagged arguments, §2.7: comparators, match
// types and address parts), with the extension each tag needs. Errors point
// at the offending argument.
import { decodeEncodedCharacters } from './encoded-character.ts';
import { SieveSyntaxError, type SievePosition } from './errors.ts';
import type { AddressPart, Comparator, IndexSpec, MatchSpec, Relation, Str } from './ir.ts';
import type { Argument, CommandNode, StringArg, TestNode } from './parser.ts';

export type ArgType = 'string' | 'string-list' | 'number';

export interface TagSpec {
  /** The value that follows the tag, if any. */
  arg?: ArgType;
  /** Extension that must be required for the tag. */
  ext?: string | readonly string[];
  /** Tags of one group exclude each other (match types, address parts …). */
  group?: string;
}

export interface Shape {
  tags: Readonly<Record<string, TagSpec>>;
  positional: readonly ArgType[];
  /** The first positional argument may be left out (hasflag's variable list, setflag's variable name). */
  optionalLeading?: boolean;
}

export type Value = { type: 'string'; value: StringArg } | { type: 'string-list'; value: StringArg[] } | { type: 'number'; value: number };

export interface ReadArgs {
  tags: Map<string, { at: SievePosition; value: Value | null }>;
  /** In shape order; null for an optional leading argument that was left out. */
  positional: (Value | null)[];
  at: SievePosition;
}

/** What the compiler knows while it reads one script. */
export interface CompileContext {
  requires: ReadonlySet<string>;
  /** "encoded-character" is required: strings are decoded at compile time (RFC 5228 §2.4.2.4). */
  encoded: boolean;
  /** "variables" is required: strings may hold ${…} references. */
  variables: boolean;
}

export const MATCH_TAGS: Readonly<Record<string, TagSpec>> = {
  is: { group: 'match' },
  contains: { group: 'match' },
  matches: { group: 'match' },
  regex: { group: 'match', ext: 'regex' },
  value: { group: 'match', ext: 'relational', arg: 'string' },
  count: { group: 'match', ext: 'relational', arg: 'string' },
  comparator: { arg: 'string' },
};

export const ADDRESS_PART_TAGS: Readonly<Record<string, TagSpec>> = {
  all: { group: 'address-part' },
  localpart: { group: 'address-part' },
  domain: { group: 'address-part' },
};

export const INDEX_TAGS: Readonly<Record<string, TagSpec>> = {
  index: { ext: 'index', arg: 'number' },
  last: { ext: 'index' },
};

const COMPARATORS: readonly Comparator[] = ['i;octet', 'i;ascii-casemap', 'i;ascii-numeric', 'i;unicode-casemap'];
const RELATIONS: readonly Relation[] = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'];

const describeArg = (a: Argument): string => (a.kind === 'tag' ? `":${a.name}"` : a.kind === 'list' ? 'a string list' : `a ${a.kind}`);

export function hasExt(ctx: CompileContext, ext: string | readonly string[]): boolean {
  return typeof ext === 'string' ? ctx.requires.has(ext) : ext.some((e) => ctx.requires.has(e));
}

export function requireExt(ctx: CompileContext, ext: string | readonly string[], what: string, at: SievePosition): void {
  if (!hasExt(ctx, ext)) {
    const name = typeof ext === 'string' ? ext : ext.join('" or "');
    throw new SieveSyntaxError(`${what} needs require "${name}"`, at);
  }
}

/** Reads `node`'s arguments against `shape`; tags may come in any order, before or among the positional ones. */
export function readArgs(ctx: CompileContext, node: CommandNode | TestNode, shape: Shape, what: string): ReadArgs {
  const tags = new Map<string, { at: SievePosition; value: Value | null }>();
  const groups = new Map<string, string>();
  const raw: Argument[] = [];
  const args = node.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.kind === 'tag') {
      const spec = shape.tags[a.name];
      if (spec === undefined) throw new SieveSyntaxError(`${what} has no ":${a.name}" argument`, a);
      if (spec.ext !== undefined) requireExt(ctx, spec.ext, `":${a.name}"`, a);
      if (tags.has(a.name)) throw new SieveSyntaxError(`":${a.name}" given twice`, a);
      if (spec.group !== undefined) {
        const other = groups.get(spec.group);
        if (other !== undefined) throw new SieveSyntaxError(`":${a.name}" cannot be combined with ":${other}"`, a);
        groups.set(spec.group, a.name);
      }
      let value: Value | null = null;
      if (spec.arg !== undefined) {
        const v = args[i + 1];
        if (v === undefined || v.kind === 'tag') throw new SieveSyntaxError(`":${a.name}" must be followed by a ${spec.arg}`, a);
        value = coerce(v, spec.arg, `the value of ":${a.name}"`);
        i++;
      }
      tags.set(a.name, { at: a, value });
      continue;
    }
    if (raw.length >= shape.positional.length) throw new SieveSyntaxError(`too many arguments for ${what}: unexpected ${describeArg(a)}`, a);
    raw.push(a);
  }
  const skipped = shape.optionalLeading === true && raw.length === shape.positional.length - 1 ? 1 : 0;
  if (raw.length + skipped < shape.positional.length) {
    throw new SieveSyntaxError(`${what} needs ${shape.positional.length} argument${shape.positional.length === 1 ? '' : 's'} (${shape.positional.join(', ')}), got ${raw.length}`, node);
  }
  const positional: (Value | null)[] = skipped ? [null] : [];
  for (const a of raw) positional.push(coerce(a, shape.positional[positional.length], `argument ${positional.length + 1} of ${what}`));
  return { tags, positional, at: { line: node.line, column: node.column } };
}

function coerce(a: Argument, type: ArgType, what: string): Value {
  if (type === 'number') {
    if (a.kind !== 'number') throw new SieveSyntaxError(`${what} must be a number, not ${describeArg(a)}`, a);
    return { type, value: a.value };
  }
  if (type === 'string') {
    // RFC 5228 §2.4.2.1: a one-element list is not a string; be exact, as the grammar is.
    if (a.kind !== 'string') throw new SieveSyntaxError(`${what} must be a string, not ${describeArg(a)}`, a);
    return { type, value: a };
  }
  if (a.kind === 'string') return { type, value: [a] };
  if (a.kind === 'list') return { type, value: a.items };
  throw new SieveSyntaxError(`${what} must be a string list, not ${describeArg(a)}`, a);
}

/** A string argument as the interpreter sees it: decoded, and marked when it holds variable references. */
export function str(ctx: CompileContext, s: StringArg): Str {
  const text = ctx.encoded ? decodeEncodedCharacters(s.value, s) : s.value;
  return { text, vars: ctx.variables && text.includes('${') };
}

/** A string that must be known at compile time (extension names, comparator names …). */
export function constant(ctx: CompileContext, s: StringArg): string {
  return ctx.encoded ? decodeEncodedCharacters(s.value, s) : s.value;
}

export const stringOf = (v: Value | null): StringArg => v!.value as StringArg;
export const listOf = (v: Value | null): StringArg[] => v!.value as StringArg[];
export const numberOf = (v: Value | null): number => v!.value as number;

/** Match type and comparator (RFC 5228 §2.7.1, §2.7.3; RFC 5231 relational). */
export function matchSpec(ctx: CompileContext, read: ReadArgs): MatchSpec {
  let type: MatchSpec['type'] = 'is';
  let relation: Relation | null = null;
  for (const t of ['is', 'contains', 'matches', 'regex', 'value', 'count'] as const) {
    const found = read.tags.get(t);
    if (found === undefined) continue;
    type = t;
    if (found.value !== null) {
      const r = constant(ctx, stringOf(found.value)).toLowerCase();
      if (!(RELATIONS as readonly string[]).includes(r)) {
        throw new SieveSyntaxError(`"${r}" is not a relational operator (gt, ge, lt, le, eq, ne)`, stringOf(found.value));
      }
      relation = r as Relation;
    }
  }
  let comparator: Comparator = 'i;ascii-casemap';
  const c = read.tags.get('comparator');
  if (c?.value) {
    const arg = stringOf(c.value);
    const name = constant(ctx, arg).toLowerCase();
    if (!(COMPARATORS as readonly string[]).includes(name)) throw new SieveSyntaxError(`unknown comparator "${name}"`, arg);
    // RFC 5228 §2.7.3: i;octet and i;ascii-casemap are always there; others must be required.
    if (name !== 'i;octet' && name !== 'i;ascii-casemap') requireExt(ctx, `comparator-${name}`, `comparator "${name}"`, arg);
    comparator = name as Comparator;
  }
  // RFC 4790 §9.1.1: i;ascii-numeric offers equality and ordering only, no substring match.
  if (comparator === 'i;ascii-numeric' && (type === 'contains' || type === 'matches' || type === 'regex')) {
    throw new SieveSyntaxError(`comparator "i;ascii-numeric" cannot be used with ":${type}"`, c?.at ?? read.at);
  }
  return { type, relation, comparator };
}

export function addressPart(read: ReadArgs): AddressPart {
  if (read.tags.has('localpart')) return 'localpart';
  if (read.tags.has('domain')) return 'domain';
  return 'all';
}

export function indexSpec(read: ReadArgs): IndexSpec | null {
  const index = read.tags.get('index');
  const last = read.tags.get('last');
  if (index === undefined) {
    if (last !== undefined) throw new SieveSyntaxError('":last" needs ":index" (RFC 5260 §6)', last.at);
    return null;
  }
  const n = numberOf(index.value!);
  if (n < 1) throw new SieveSyntaxError('":index" counts from 1', index.at);
  return { index: n, last: last !== undefined };
}
