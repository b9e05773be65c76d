// Sieve grammar (RFC 5228 §8.2) → syntax tree, before any meaning is given
// to names: commands with their arguments, tests and blocks. Nesting is
// bounded (blocks and tests share one depth limit) so a hostile script cannot
// exhaust the call stack; the size limit is checked before lexing.
import { SieveSyntaxError, type SievePosition } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

export interface StringArg extends SievePosition {
  kind: 'string';
  value: string;
  multiline: boolean;
}

export type Argument =
  | StringArg
  | (SievePosition & { kind: 'list'; items: StringArg[] })
  | (SievePosition & { kind: 'number'; value: number })
  | (SievePosition & { kind: 'tag'; name: string });

export interface TestNode extends SievePosition {
  name: string;
  args: Argument[];
  /** Nested tests: one for `not`, a test-list for allof/anyof. */
  tests: TestNode[];
  /** The tests were written as a parenthesised test-list. */
  testList: boolean;
}

export interface CommandNode extends SievePosition {
  name: string;
  args: Argument[];
  tests: TestNode[];
  testList: boolean;
  /** The block of if/elsif/else (null when the command ends with ";"). */
  block: CommandNode[] | null;
}

export interface ParseLimits {
  /** Script size in UTF-8 octets. */
  maxBytes: number;
  /** Nesting of blocks and tests together. */
  maxDepth: number;
  /** Commands and tests in the whole script. */
  maxNodes: number;
  /** Strings in one string list. */
  maxListItems: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxBytes: 256 * 1024, maxDepth: 32, maxNodes: 20_000, maxListItems: 1024 };

export function parseScript(source: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): CommandNode[] {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new SieveSyntaxError(`script is ${bytes} octets, more than the limit of ${limits.maxBytes}`, { line: 1, column: 1 });
  }
  if (source.includes('\0')) {
    const before = source.slice(0, source.indexOf('\0'));
    const line = before.split(/\r\n|\r|\n/).length;
    throw new SieveSyntaxError('NUL character in script', { line, column: before.length - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) });
  }
  const tokens = tokenize(source);
  let p = 0;
  let nodes = 0;
  const peek = (): Token => tokens[p];
  const next = (): Token => tokens[p++];
  const describe = (t: Token): string => (t.kind === 'eof' ? 'the end of the script'
    : t.kind === 'identifier' ? `"${t.text}"` : t.kind === 'tag' ? `":${t.text}"` : t.kind === 'string' ? 'a string'
      : t.kind === 'number' ? 'a number' : `"${t.kind}"`);
  const expect = (kind: Token['kind'], what: string): Token => {
    const t = next();
    if (t.kind !== kind) throw new SieveSyntaxError(`expected ${what}, found ${describe(t)}`, t);
    return t;
  };
  const count = (t: Token, depth: number): void => {
    if (++nodes > limits.maxNodes) throw new SieveSyntaxError(`more than ${limits.maxNodes} commands and tests`, t);
    if (depth > limits.maxDepth) throw new SieveSyntaxError(`nesting deeper than ${limits.maxDepth} levels`, t);
  };

  function stringArg(t: Token): StringArg {
    return { kind: 'string', value: t.text, multiline: t.multiline, line: t.line, column: t.column };
  }

  function argumentsOf(depth: number): { args: Argument[]; tests: TestNode[]; testList: boolean } {
    const args: Argument[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'string') {
        next();
        args.push(stringArg(t));
      } else if (t.kind === 'number') {
        next();
        args.push({ kind: 'number', value: t.value, line: t.line, column: t.column });
      } else if (t.kind === 'tag') {
        next();
        args.push({ kind: 'tag', name: t.text, line: t.line, column: t.column });
      } else if (t.kind === '[') {
        next();
        const items: StringArg[] = [];
        for (;;) {
          const s = next();
          if (s.kind !== 'string') throw new SieveSyntaxError(`expected a string in the list, found ${describe(s)}`, s);
          items.push(stringArg(s));
          if (items.length > limits.maxListItems) throw new SieveSyntaxError(`more than ${limits.maxListItems} strings in one list`, s);
          const sep = next();
          if (sep.kind === ']') break;
          if (sep.kind !== ',') throw new SieveSyntaxError(`expected "," or "]" in the string list, found ${describe(sep)}`, sep);
        }
        args.push({ kind: 'list', items, line: t.line, column: t.column });
      } else {
        break;
      }
    }
    const t = peek();
    if (t.kind === 'identifier') return { args, tests: [test(depth + 1)], testList: false };
    if (t.kind === '(') {
      next();
      const tests: TestNode[] = [];
      for (;;) {
        tests.push(test(depth + 1));
        const sep = next();
        if (sep.kind === ')') break;
        if (sep.kind !== ',') throw new SieveSyntaxError(`expected "," or ")" in the test list, found ${describe(sep)}`, sep);
      }
      return { args, tests, testList: true };
    }
    return { args, tests: [], testList: false };
  }

  function test(depth: number): TestNode {
    const t = expect('identifier', 'a test');
    count(t, depth);
    return { name: t.text, ...argumentsOf(depth), line: t.line, column: t.column };
  }

  function command(depth: number): CommandNode {
    const t = expect('identifier', 'a command');
    count(t, depth);
    const parts = argumentsOf(depth);
    const end = next();
    if (end.kind === ';') return { name: t.text, ...parts, block: null, line: t.line, column: t.column };
    if (end.kind === '{') return { name: t.text, ...parts, block: commands(depth + 1, true), line: t.line, column: t.column };
    throw new SieveSyntaxError(`expected ";" or "{" after the arguments of "${t.text}", found ${describe(end)}`, end);
  }

  function commands(depth: number, inBlock: boolean): CommandNode[] {
    const out: CommandNode[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'eof') {
        if (inBlock) throw new SieveSyntaxError('missing "}" at the end of the script', t);
        return out;
      }
      if (t.kind === '}') {
        if (!inBlock) throw new SieveSyntaxError('"}" without a matching "{"', t);
        next();
        return out;
      }
      out.push(command(depth));
    }
  }

  return commands(0, false);
}
