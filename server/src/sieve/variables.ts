// RFC 5229 variables: the per-script variable table, match variables
// ${0}…${9}, expansion of "${name}" references in strings (§3) and the
// modifiers of "set" (§4.1). Values and counts are bounded (§6 asks for it).
import { SieveRuntimeError } from './errors.ts';
import type { SetModifier, Str } from './ir.ts';

export interface VariableLimits {
  /** Characters kept of one value; longer values are cut (RFC 5229 §6). */
  maxValueLength: number;
  /** Distinct variables in one script. */
  maxVariables: number;
}

export const DEFAULT_VARIABLE_LIMITS: VariableLimits = { maxValueLength: 4096, maxVariables: 256 };

/** Variables of one script (RFC 6609 §3.3: each included script has its own, plus the shared globals). */
export class VariableScope {
  readonly local = new Map<string, string>();
  readonly globalNames = new Set<string>();
  readonly globals: Map<string, string>;
  readonly limits: VariableLimits;
  /** ${0}…${9} of the last successful :matches / :regex (RFC 5229 §3.2). */
  matches: string[] = [];

  constructor(globals: Map<string, string>, limits: VariableLimits) {
    this.globals = globals;
    this.limits = limits;
  }

  get(name: string): string {
    const key = name.toLowerCase();
    if (key.startsWith('global.')) return this.globals.get(key.slice(7)) ?? '';
    if (this.globalNames.has(key)) return this.globals.get(key) ?? '';
    return this.local.get(key) ?? '';
  }

  set(name: string, value: string): void {
    const key = name.toLowerCase();
    const v = value.length > this.limits.maxValueLength ? value.slice(0, this.limits.maxValueLength) : value;
    const table = key.startsWith('global.') ? this.globals : this.globalNames.has(key) ? this.globals : this.local;
    const k = key.startsWith('global.') ? key.slice(7) : key;
    if (!table.has(k) && table.size >= this.limits.maxVariables) {
      throw new SieveRuntimeError('invalid-value', `more than ${this.limits.maxVariables} variables`);
    }
    table.set(k, v);
  }
}

const REFERENCE = /\$\{([^{}]{1,128})\}/g;
const NAME = /^(?:[0-9]+|[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)$/i;

/** The string with each valid "${name}" replaced; invalid references stay as written (RFC 5229 §3). */
export function expand(s: Str, scope: VariableScope | null): string {
  if (!s.vars || scope === null) return s.text;
  const out = s.text.replace(REFERENCE, (whole: string, name: string) => {
    if (!NAME.test(name)) return whole;
    if (/^[0-9]+$/.test(name)) return scope.matches[Number(name)] ?? '';
    return scope.get(name);
  });
  return out.length > scope.limits.maxValueLength * 4 ? out.slice(0, scope.limits.maxValueLength * 4) : out;
}

/** RFC 5229 §4.1 modifiers, in precedence order: case (lower/upper), then first letter, then quoting, then length. */
export function applyModifiers(value: string, modifiers: readonly SetModifier[]): string {
  let v = value;
  if (modifiers.includes('lower')) v = v.toLowerCase();
  if (modifiers.includes('upper')) v = v.toUpperCase();
  if (modifiers.includes('lowerfirst')) v = v.charAt(0).toLowerCase() + v.slice(1);
  if (modifiers.includes('upperfirst')) v = v.charAt(0).toUpperCase() + v.slice(1);
  if (modifiers.includes('quotewildcard')) v = v.replace(/[*?\\]/g, '\\$&');
  if (modifiers.includes('quoteregex')) v = v.replace(/[\\^$.[\]|()?*+{}]/g, '\\$&');
  if (modifiers.includes('length')) v = String([...v].length);
  return v;
}
