// Script source → CompiledScript: parse (parser.ts), then give every command
// its meaning (RFC 5228 §3-4 and the extensions), checking that each
// extension used was required and is supported. The first error stops
// compilation and carries its line and column.
import {
  constant, listOf, numberOf, readArgs, requireExt, str, stringOf, type CompileContext, type ReadArgs, type Shape,
} from './compile-args.ts';
import { compileTest } from './compile-tests.ts';
import { SieveSyntaxError } from './errors.ts';
import type { Command, CompiledScript, SetModifier, Str, Test, VacationSpec } from './ir.ts';
import { DEFAULT_PARSE_LIMITS, parseScript, type CommandNode, type ParseLimits } from './parser.ts';
import { isValidRedirectAddress } from './addresses.ts';

/** Extensions this implementation offers (the ManageSieve SIEVE capability lists them). */
export const SUPPORTED_EXTENSIONS: readonly string[] = [
  'fileinto', 'reject', 'ereject', 'envelope', 'encoded-character', 'imap4flags', 'variables', 'vacation', 'vacation-seconds',
  'body', 'relational', 'date', 'index', 'copy', 'regex', 'spamtest', 'spamtestplus', 'virustest', 'include', 'mailbox',
  'comparator-i;octet', 'comparator-i;ascii-casemap', 'comparator-i;ascii-numeric', 'comparator-i;unicode-casemap',
];

/** Extensions that bring another with them. */
const IMPLIES: Record<string, string> = { 'vacation-seconds': 'vacation', spamtestplus: 'spamtest' };

export interface CompileOptions extends ParseLimits {
  /** RFC 6131 §2: the shortest :seconds/:days period accepted; shorter ones are raised to it. */
  minVacationSeconds: number;
  maxVacationSeconds: number;
}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = {
  ...DEFAULT_PARSE_LIMITS,
  minVacationSeconds: 3600,
  maxVacationSeconds: 90 * 86_400,
};

const VARIABLE_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/i;
const SET_MODIFIERS: readonly SetModifier[] = ['lower', 'upper', 'lowerfirst', 'upperfirst', 'quotewildcard', 'quoteregex', 'length'];
/** RFC 6609 §3.2 script names as ManageSieve allows them (RFC 5804 §1.6). */
const SCRIPT_NAME = /^[^\x00-\x1f\x7f/]{1,128}$/u;

interface CommandSpec {
  ext?: string | readonly string[];
  shape: Shape;
  build(ctx: CompileContext, read: ReadArgs, node: CommandNode, compiled: Compilation): Command;
}

interface Compilation {
  opts: CompileOptions;
  includes: { location: 'personal' | 'global'; name: string; optional: boolean }[];
}

const flagList = (ctx: CompileContext, read: ReadArgs): Str[] | null => {
  const f = read.tags.get('flags');
  return f?.value ? listOf(f.value).map((s) => str(ctx, s)) : null;
};

const SPECS: Readonly<Record<string, CommandSpec>> = {
  stop: { shape: { tags: {}, positional: [] }, build: (_c, r) => ({ kind: 'stop', ...r.at }) },
  keep: {
    shape: { tags: { flags: { arg: 'string-list', ext: 'imap4flags' } }, positional: [] },
    build: (ctx, r) => ({ kind: 'keep', flags: flagList(ctx, r), ...r.at }),
  },
  discard: { shape: { tags: {}, positional: [] }, build: (_c, r) => ({ kind: 'discard', ...r.at }) },
  redirect: {
    shape: { tags: { copy: { ext: 'copy' } }, positional: ['string'] },
    build: (ctx, r) => {
      const arg = stringOf(r.positional[0]);
      const address = str(ctx, arg);
      // RFC 5228 §4.2: a syntactically invalid address is an error when it can be seen at compile time.
      if (!address.vars && !isValidRedirectAddress(address.text)) throw new SieveSyntaxError(`"${address.text}" is not a valid address to redirect to`, arg);
      return { kind: 'redirect', address, copy: r.tags.has('copy'), ...r.at };
    },
  },
  fileinto: {
    ext: 'fileinto',
    shape: {
      tags: { copy: { ext: 'copy' }, create: { ext: 'mailbox' }, flags: { arg: 'string-list', ext: 'imap4flags' } },
      positional: ['string'],
    },
    build: (ctx, r) => {
      const arg = stringOf(r.positional[0]);
      const mailbox = str(ctx, arg);
      if (!mailbox.vars && mailbox.text.trim() === '') throw new SieveSyntaxError('fileinto needs a mailbox name', arg);
      return { kind: 'fileinto', mailbox, copy: r.tags.has('copy'), create: r.tags.has('create'), flags: flagList(ctx, r), ...r.at };
    },
  },
  reject: { ext: 'reject', shape: { tags: {}, positional: ['string'] }, build: (ctx, r) => ({ kind: 'reject', reason: str(ctx, stringOf(r.positional[0])), ...r.at }) },
  ereject: { ext: 'ereject', shape: { tags: {}, positional: ['string'] }, build: (ctx, r) => ({ kind: 'ereject', reason: str(ctx, stringOf(r.positional[0])), ...r.at }) },
  setflag: flagCommand('setflag'),
  addflag: flagCommand('addflag'),
  removeflag: flagCommand('removeflag'),
  set: {
    ext: 'variables',
    shape: { tags: Object.fromEntries(SET_MODIFIERS.map((m) => [m, { ext: m === 'quoteregex' ? 'regex' : 'variables' }])), positional: ['string', 'string'] },
    build: (ctx, r) => {
      const nameArg = stringOf(r.positional[0]);
      const name = constant(ctx, nameArg);
      // RFC 5229 §4: the name is an identifier (or namespace.identifier); match variables cannot be set.
      if (!VARIABLE_NAME.test(name)) throw new SieveSyntaxError(`"${name}" is not a valid variable name`, nameArg);
      const modifiers = SET_MODIFIERS.filter((m) => r.tags.has(m));
      return { kind: 'set', name: name.toLowerCase(), value: str(ctx, stringOf(r.positional[1])), modifiers, ...r.at };
    },
  },
  vacation: {
    ext: 'vacation',
    shape: {
      tags: {
        days: { arg: 'number', group: 'period' }, seconds: { arg: 'number', group: 'period', ext: 'vacation-seconds' },
        subject: { arg: 'string' }, from: { arg: 'string' }, addresses: { arg: 'string-list' }, mime: {}, handle: { arg: 'string' },
      },
      positional: ['string'],
    },
    build: (ctx, r, _node, c) => ({ kind: 'vacation', vacation: vacationSpec(ctx, r, c.opts), ...r.at }),
  },
  include: {
    ext: 'include',
    shape: {
      tags: { personal: { group: 'location' }, global: { group: 'location' }, once: {}, optional: {} },
      positional: ['string'],
    },
    build: (ctx, r, _node, c) => {
      const arg = stringOf(r.positional[0]);
      const name = constant(ctx, arg);
      // RFC 6609 §3.2: the script name is a constant; "/" could reach outside the script namespace.
      if (ctx.variables && name.includes('${')) throw new SieveSyntaxError('the name of an included script must be a constant', arg);
      if (!SCRIPT_NAME.test(name)) throw new SieveSyntaxError(`"${name}" is not a valid script name`, arg);
      const location = r.tags.has('global') ? 'global' : 'personal';
      const optional = r.tags.has('optional');
      c.includes.push({ location, name, optional });
      return { kind: 'include', location, name, once: r.tags.has('once'), optional, ...r.at };
    },
  },
  return: { ext: 'include', shape: { tags: {}, positional: [] }, build: (_c, r) => ({ kind: 'return', ...r.at }) },
  global: {
    ext: 'include',
    shape: { tags: {}, positional: ['string-list'] },
    build: (ctx, r) => {
      requireExt(ctx, 'variables', '"global"', r.at);
      const names = listOf(r.positional[0]).map((arg) => {
        const name = constant(ctx, arg);
        if (!VARIABLE_NAME.test(name) || name.includes('.')) throw new SieveSyntaxError(`"${name}" is not a valid variable name`, arg);
        return name.toLowerCase();
      });
      return { kind: 'global', names, ...r.at };
    },
  },
};

function flagCommand(kind: 'setflag' | 'addflag' | 'removeflag'): CommandSpec {
  return {
    ext: 'imap4flags',
    shape: { tags: {}, positional: ['string', 'string-list'], optionalLeading: true },
    build: (ctx, r) => {
      const v = r.positional[0];
      if (v !== null) requireExt(ctx, 'variables', `a variable name in "${kind}"`, r.at);
      return { kind, variable: v === null ? null : str(ctx, stringOf(v)), flags: listOf(r.positional[1]).map((s) => str(ctx, s)), ...r.at };
    },
  };
}

function vacationSpec(ctx: CompileContext, r: ReadArgs, opts: CompileOptions): VacationSpec {
  const days = r.tags.get('days');
  const seconds = r.tags.get('seconds');
  let periodSeconds: number | null = null;
  // RFC 5230 §4.1 / RFC 6131 §2: the site may raise a too-short period to its minimum and lower a long one.
  if (days?.value) periodSeconds = numberOf(days.value) * 86_400;
  if (seconds?.value) periodSeconds = numberOf(seconds.value);
  if (periodSeconds !== null) periodSeconds = Math.min(Math.max(periodSeconds, opts.minVacationSeconds), opts.maxVacationSeconds);
  const opt = (tag: string) => {
    const t = r.tags.get(tag);
    return t?.value ? str(ctx, stringOf(t.value)) : null;
  };
  const addresses = r.tags.get('addresses');
  return {
    periodSeconds,
    subject: opt('subject'),
    from: opt('from'),
    addresses: addresses?.value ? listOf(addresses.value).map((s) => str(ctx, s)) : [],
    mime: r.tags.has('mime'),
    handle: opt('handle'),
    reason: str(ctx, stringOf(r.positional[0])),
  };
}

function compileBlock(ctx: CompileContext, nodes: readonly CommandNode[], c: Compilation, top: boolean): Command[] {
  const out: Command[] = [];
  let requiresAllowed = top;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.name === 'require') {
      // RFC 5228 §3.2: require comes before every other command, at the top level.
      if (!requiresAllowed) throw new SieveSyntaxError('"require" must come before any other command', node);
      continue;
    }
    requiresAllowed = false;
    if (node.name === 'elsif' || node.name === 'else') throw new SieveSyntaxError(`"${node.name}" without a preceding "if"`, node);
    if (node.name === 'if') {
      const branches: { test: Test; block: Command[] }[] = [];
      let otherwise: Command[] | null = null;
      branches.push(conditional(ctx, node, c));
      while (i + 1 < nodes.length && (nodes[i + 1].name === 'elsif' || nodes[i + 1].name === 'else')) {
        const next = nodes[++i];
        if (next.name === 'elsif') {
          branches.push(conditional(ctx, next, c));
          continue;
        }
        if (next.args.length > 0 || next.tests.length > 0) throw new SieveSyntaxError('"else" takes no arguments', next);
        if (next.block === null) throw new SieveSyntaxError('"else" needs a block', next);
        otherwise = compileBlock(ctx, next.block, c, false);
        // RFC 5228 §3.1: nothing may follow "else" in the same chain.
        if (i + 1 < nodes.length && (nodes[i + 1].name === 'elsif' || nodes[i + 1].name === 'else')) {
          throw new SieveSyntaxError(`"${nodes[i + 1].name}" after "else"`, nodes[i + 1]);
        }
        break;
      }
      out.push({ kind: 'if', branches, otherwise, line: node.line, column: node.column });
      continue;
    }
    const spec = Object.hasOwn(SPECS, node.name) ? SPECS[node.name] : undefined;
    if (spec === undefined) throw new SieveSyntaxError(`unknown command "${node.name}"`, node);
    if (spec.ext !== undefined) requireExt(ctx, spec.ext, `command "${node.name}"`, node);
    if (node.block !== null) throw new SieveSyntaxError(`"${node.name}" takes no block`, node);
    if (node.tests.length > 0) throw new SieveSyntaxError(`"${node.name}" takes no test`, node.tests[0]);
    out.push(spec.build(ctx, readArgs(ctx, node, spec.shape, `"${node.name}"`), node, c));
  }
  return out;
}

function conditional(ctx: CompileContext, node: CommandNode, c: Compilation): { test: Test; block: Command[] } {
  if (node.args.length > 0) throw new SieveSyntaxError(`"${node.name}" takes a test, not arguments`, node.args[0]);
  if (node.tests.length !== 1 || node.testList) throw new SieveSyntaxError(`"${node.name}" needs exactly one test`, node);
  if (node.block === null) throw new SieveSyntaxError(`"${node.name}" needs a block`, node);
  return { test: compileTest(ctx, node.tests[0]), block: compileBlock(ctx, node.block, c, false) };
}

function readRequires(nodes: readonly CommandNode[]): Set<string> {
  const requires = new Set<string>();
  const encoded = nodes.some((n) => n.name === 'require' && n.args.some((a) => (a.kind === 'string' ? [a] : a.kind === 'list' ? a.items : [])
    .some((s) => s.value === 'encoded-character')));
  for (const node of nodes) {
    if (node.name !== 'require') break;
    if (node.args.length !== 1 || node.tests.length > 0 || node.block !== null) throw new SieveSyntaxError('"require" takes one string list', node);
    const arg = node.args[0];
    const items = arg.kind === 'string' ? [arg] : arg.kind === 'list' ? arg.items : null;
    if (items === null) throw new SieveSyntaxError('"require" takes one string list', arg);
    for (const item of items) {
      const name = constant({ requires, encoded, variables: false }, item);
      if (!SUPPORTED_EXTENSIONS.includes(name)) throw new SieveSyntaxError(`unsupported extension "${name}"`, item);
      requires.add(name);
      if (name in IMPLIES) requires.add(IMPLIES[name]);
    }
  }
  return requires;
}

/** Compiles a script; throws SieveSyntaxError with line and column on the first problem. */
export function compileScript(source: string, opts: CompileOptions = DEFAULT_COMPILE_OPTIONS): CompiledScript {
  const nodes = parseScript(source, opts);
  const requires = readRequires(nodes);
  const ctx: CompileContext = { requires, encoded: requires.has('encoded-character'), variables: requires.has('variables') };
  const c: Compilation = { opts, includes: [] };
  const commands = compileBlock(ctx, nodes, c, true);
  return { commands, requires, includes: c.includes, sizeBytes: Buffer.byteLength(source, 'utf8') };
}

/** The outcome of checking a script (ManageSieve CHECKSCRIPT, the API): null when it compiles. */
export function checkScript(source: string, opts: CompileOptions = DEFAULT_COMPILE_OPTIONS): SieveSyntaxError | null {
  try {
    compileScript(source, opts);
    return null;
  } catch (err) {
    if (err instanceof SieveSyntaxError) return err;
    throw err;
  }
}
