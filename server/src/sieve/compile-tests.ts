// Tests (RFC 5228 §5 and the extensions' tests) from syntax to typed IR.
import {
  ADDRESS_PART_TAGS, INDEX_TAGS, MATCH_TAGS, addressPart, constant, indexSpec, listOf, matchSpec, readArgs, requireExt,
  str, stringOf, numberOf, type CompileContext, type ReadArgs, type Shape,
} from './compile-args.ts';
import { compileRegexKeys } from './regex.ts';
import { SieveSyntaxError } from './errors.ts';
import type { DatePart, MatchSpec, Str, Test, ZoneSpec } from './ir.ts';
import type { TestNode } from './parser.ts';

export const DATE_PARTS: readonly DatePart[] = [
  'year', 'month', 'day', 'date', 'julian', 'hour', 'minute', 'second', 'time', 'iso8601', 'std11', 'zone', 'weekday',
];

const ZONE_TAGS = { zone: { arg: 'string' as const, group: 'zone' }, originalzone: { group: 'zone' } };

interface TestSpec {
  ext?: string | readonly string[];
  shape: Shape;
  build(ctx: CompileContext, read: ReadArgs, node: TestNode): Test;
}

const strs = (ctx: CompileContext, read: ReadArgs, i: number): Str[] => listOf(read.positional[i]).map((s) => str(ctx, s));

/** Keys of :regex are compiled now, so a bad pattern is refused at upload with its position. */
function keys(ctx: CompileContext, read: ReadArgs, i: number, match: MatchSpec): Str[] {
  const list = listOf(read.positional[i]);
  const out = list.map((s) => str(ctx, s));
  if (match.type === 'regex') compileRegexKeys(list, out, match.comparator);
  return out;
}

function zoneOf(ctx: CompileContext, read: ReadArgs): ZoneSpec {
  if (read.tags.has('originalzone')) return { kind: 'original' };
  const z = read.tags.get('zone');
  if (z?.value == null) return { kind: 'local' };
  const arg = stringOf(z.value);
  // RFC 5260 §4.1.1: "+" / "-" 4DIGIT.
  const m = /^([+-])(\d\d)(\d\d)$/.exec(constant(ctx, arg));
  if (!m || Number(m[3]) > 59) throw new SieveSyntaxError(`":zone" must look like "+0100" or "-0500"`, arg);
  return { kind: 'fixed', minutes: (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) };
}

function datePart(ctx: CompileContext, read: ReadArgs, i: number): DatePart {
  const arg = stringOf(read.positional[i]);
  const part = constant(ctx, arg).toLowerCase();
  if (!(DATE_PARTS as readonly string[]).includes(part)) throw new SieveSyntaxError(`unknown date part "${part}" (RFC 5260 §4.2)`, arg);
  return part as DatePart;
}

/** RFC 5228 §5.4: envelope parts every implementation knows. */
const ENVELOPE_PARTS = new Set(['from', 'to']);

const SPECS: Readonly<Record<string, TestSpec>> = {
  true: { shape: { tags: {}, positional: [] }, build: (_c, r) => ({ kind: 'true', ...r.at }) },
  false: { shape: { tags: {}, positional: [] }, build: (_c, r) => ({ kind: 'false', ...r.at }) },
  address: {
    shape: { tags: { ...MATCH_TAGS, ...ADDRESS_PART_TAGS, ...INDEX_TAGS }, positional: ['string-list', 'string-list'] },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      return { kind: 'address', match, part: addressPart(r), headers: strs(ctx, r, 0), keys: keys(ctx, r, 1, match), index: indexSpec(r), ...r.at };
    },
  },
  header: {
    shape: { tags: { ...MATCH_TAGS, ...INDEX_TAGS }, positional: ['string-list', 'string-list'] },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      return { kind: 'header', match, headers: strs(ctx, r, 0), keys: keys(ctx, r, 1, match), index: indexSpec(r), ...r.at };
    },
  },
  envelope: {
    ext: 'envelope',
    shape: { tags: { ...MATCH_TAGS, ...ADDRESS_PART_TAGS }, positional: ['string-list', 'string-list'] },
    build: (ctx, r) => {
      const fields = strs(ctx, r, 0);
      for (const [i, f] of fields.entries()) {
        if (!f.vars && !ENVELOPE_PARTS.has(f.text.toLowerCase())) {
          throw new SieveSyntaxError(`envelope part "${f.text}" is not supported (use "from" or "to")`, listOf(r.positional[0])[i]);
        }
      }
      const match = matchSpec(ctx, r);
      return { kind: 'envelope', match, part: addressPart(r), fields, keys: keys(ctx, r, 1, match), ...r.at };
    },
  },
  exists: { shape: { tags: {}, positional: ['string-list'] }, build: (ctx, r) => ({ kind: 'exists', headers: strs(ctx, r, 0), ...r.at }) },
  size: {
    shape: { tags: { over: { group: 'size' }, under: { group: 'size' } }, positional: ['number'] },
    build: (_c, r) => {
      if (!r.tags.has('over') && !r.tags.has('under')) throw new SieveSyntaxError('"size" needs ":over" or ":under"', r.at);
      return { kind: 'size', over: r.tags.has('over'), limit: numberOf(r.positional[0]), ...r.at };
    },
  },
  body: {
    ext: 'body',
    shape: {
      tags: { ...MATCH_TAGS, raw: { group: 'transform' }, text: { group: 'transform' }, content: { group: 'transform', arg: 'string-list' } },
      positional: ['string-list'],
    },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      const content = r.tags.get('content');
      const transform = r.tags.has('raw') ? { kind: 'raw' as const }
        : content?.value ? { kind: 'content' as const, types: listOf(content.value).map((s) => str(ctx, s)) } : { kind: 'text' as const };
      return { kind: 'body', match, transform, keys: keys(ctx, r, 0, match), ...r.at };
    },
  },
  date: {
    ext: 'date',
    shape: { tags: { ...MATCH_TAGS, ...INDEX_TAGS, ...ZONE_TAGS }, positional: ['string', 'string', 'string-list'] },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      return {
        kind: 'date', match, zone: zoneOf(ctx, r), header: str(ctx, stringOf(r.positional[0])), part: datePart(ctx, r, 1),
        keys: keys(ctx, r, 2, match), index: indexSpec(r), ...r.at,
      };
    },
  },
  currentdate: {
    ext: 'date',
    shape: { tags: { ...MATCH_TAGS, zone: { arg: 'string' } }, positional: ['string', 'string-list'] },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      return { kind: 'currentdate', match, zone: zoneOf(ctx, r), part: datePart(ctx, r, 0), keys: keys(ctx, r, 1, match), ...r.at };
    },
  },
  hasflag: {
    ext: 'imap4flags',
    shape: { tags: MATCH_TAGS, positional: ['string-list', 'string-list'], optionalLeading: true },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      if (r.positional[0] !== null) requireExt(ctx, 'variables', 'a variable list in "hasflag"', r.at);
      return { kind: 'hasflag', match, variables: r.positional[0] === null ? null : strs(ctx, r, 0), keys: keys(ctx, r, 1, match), ...r.at };
    },
  },
  string: {
    ext: 'variables',
    shape: { tags: MATCH_TAGS, positional: ['string-list', 'string-list'] },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      return { kind: 'string', match, sources: strs(ctx, r, 0), keys: keys(ctx, r, 1, match), ...r.at };
    },
  },
  spamtest: {
    ext: ['spamtest', 'spamtestplus'],
    shape: { tags: { ...MATCH_TAGS, percent: { ext: 'spamtestplus' } }, positional: ['string'] },
    build: (ctx, r) => {
      const match = matchSpec(ctx, r);
      return { kind: 'spamtest', match, percent: r.tags.has('percent'), keys: [str(ctx, stringOf(r.positional[0]))], ...r.at };
    },
  },
  virustest: {
    ext: 'virustest',
    shape: { tags: MATCH_TAGS, positional: ['string'] },
    build: (ctx, r) => ({ kind: 'virustest', match: matchSpec(ctx, r), percent: false, keys: [str(ctx, stringOf(r.positional[0]))], ...r.at }),
  },
  mailboxexists: {
    ext: 'mailbox',
    shape: { tags: {}, positional: ['string-list'] },
    build: (ctx, r) => ({ kind: 'mailboxexists', names: strs(ctx, r, 0), ...r.at }),
  },
};

export function compileTest(ctx: CompileContext, node: TestNode): Test {
  if (node.name === 'not' || node.name === 'allof' || node.name === 'anyof') {
    if (node.args.length > 0) throw new SieveSyntaxError(`"${node.name}" takes tests, not arguments`, node.args[0]);
    if (node.name === 'not') {
      if (node.tests.length !== 1 || node.testList) throw new SieveSyntaxError('"not" takes exactly one test', node);
      return { kind: 'not', test: compileTest(ctx, node.tests[0]), line: node.line, column: node.column };
    }
    if (!node.testList) throw new SieveSyntaxError(`"${node.name}" takes a test list in parentheses`, node);
    return { kind: node.name, tests: node.tests.map((t) => compileTest(ctx, t)), line: node.line, column: node.column };
  }
  const spec = Object.hasOwn(SPECS, node.name) ? SPECS[node.name] : undefined;
  if (spec === undefined) throw new SieveSyntaxError(`unknown test "${node.name}"`, node);
  if (spec.ext !== undefined) requireExt(ctx, spec.ext, `test "${node.name}"`, node);
  if (node.tests.length > 0) throw new SieveSyntaxError(`"${node.name}" takes no nested test`, node.tests[0]);
  // RFC 5231 §4: relational :count/:value on a spamtest are what scripts use; plain :is works too.
  return spec.build(ctx, readArgs(ctx, node, spec.shape, `test "${node.name}"`), node);
}
