// The Sieve interpreter: runs compiled scripts (a domain's global script,
// then the user's, RFC 6609 include semantics) against one message and
// returns the actions to carry out. It is pure — no I/O, no clock: the
// environment brings the message, the envelope, the filter scores, the
// mailbox list and the time. Execution is bounded: steps and matching work
// (budget), redirects and actions per message, include depth. Any run-time
// error cancels every action and answers with the implicit keep (RFC 5228
// §2.10.6): a failing script never loses a message.
import { flagList, type SieveAction, type VacationRequest } from './actions.ts';
import { isValidRedirectAddress } from './addresses.ts';
import { SieveRuntimeError } from './errors.ts';
import type { Command, CompiledScript, Str } from './ir.ts';
import { Budget } from './match.ts';
import { evaluateTest, type TestEnvironment, type TestState } from './run-tests.ts';
import { applyModifiers, DEFAULT_VARIABLE_LIMITS, expand, VariableScope, type VariableLimits } from './variables.ts';

export interface RunLimits {
  /** Commands and tests executed. */
  maxInstructions: number;
  /** Character steps spent matching (body and regex work is counted here). */
  maxWork: number;
  /** Redirects one message may cause (RFC 5228 §4.2 asks for a limit). */
  maxRedirects: number;
  /** fileinto + redirect + keep actions. */
  maxActions: number;
  maxIncludeDepth: number;
  variables: VariableLimits;
}

export const DEFAULT_RUN_LIMITS: RunLimits = {
  maxInstructions: 10_000, maxWork: 50_000_000, maxRedirects: 4, maxActions: 32, maxIncludeDepth: 5, variables: DEFAULT_VARIABLE_LIMITS,
};

export interface RunEnvironment extends TestEnvironment {
  /** Scripts "include" can reach (RFC 6609), loaded before the run; null when missing. */
  resolveInclude(location: 'personal' | 'global', name: string): CompiledScript | null;
  limits?: RunLimits;
}

export interface RunResult {
  actions: SieveAction[];
  errors: SieveRuntimeError[];
}

type Flow = 'next' | 'stop' | 'return';

class Run {
  readonly env: RunEnvironment;
  readonly limits: RunLimits;
  readonly budget: Budget;
  readonly globals = new Map<string, string>();
  /** RFC 5232 §3: the internal flag variable. */
  internalFlags: string[] = [];
  implicitKeep = true;
  discarded = false;
  readonly actions: SieveAction[] = [];
  redirects = 0;
  vacation = false;
  rejected = false;
  readonly included = new Set<string>();
  readonly active: string[] = [];

  constructor(env: RunEnvironment) {
    this.env = env;
    this.limits = env.limits ?? DEFAULT_RUN_LIMITS;
    this.budget = new Budget(this.limits.maxInstructions, this.limits.maxWork);
  }

  script(script: CompiledScript, key: string): Flow {
    if (this.active.includes(key)) throw new SieveRuntimeError('include-loop', `script "${key}" includes itself`);
    if (this.active.length > this.limits.maxIncludeDepth) throw new SieveRuntimeError('include-depth', `includes nested deeper than ${this.limits.maxIncludeDepth}`);
    this.active.push(key);
    const scope = script.requires.has('variables') ? new VariableScope(this.globals, this.limits.variables) : null;
    try {
      const flow = this.block(script.commands, scope);
      // RFC 6609 §3.3: "return" ends only the included script.
      return flow === 'stop' ? 'stop' : 'next';
    } finally {
      this.active.pop();
    }
  }

  block(commands: readonly Command[], scope: VariableScope | null): Flow {
    for (const c of commands) {
      const flow = this.command(c, scope);
      if (flow !== 'next') return flow;
    }
    return 'next';
  }

  flags(variable: string | null, scope: VariableScope | null): string[] {
    if (variable === null || scope === null) return this.internalFlags;
    return flagList([scope.get(variable)]);
  }

  countAction(at: Command): void {
    if (this.actions.length >= this.limits.maxActions) throw new SieveRuntimeError('action-limit', `more than ${this.limits.maxActions} actions`, at);
  }

  add(action: SieveAction, at: Command): void {
    // RFC 5228 §2.10.3: the same fileinto/redirect twice is done once; keep and fileinto "INBOX" are one delivery.
    const same = this.actions.find((a) => (a.type === 'redirect' && action.type === 'redirect' && a.address.toLowerCase() === action.address.toLowerCase())
      || (a.type === 'fileinto' && action.type === 'fileinto' && a.mailbox === action.mailbox)
      || (a.type === 'keep' && action.type === 'keep'));
    if (same !== undefined) {
      if ((same.type === 'keep' || same.type === 'fileinto') && (action.type === 'keep' || action.type === 'fileinto')) {
        same.flags = flagList([...same.flags, ...action.flags]);
      }
      return;
    }
    this.countAction(at);
    this.actions.push(action);
  }

  conflict(at: Command, what: string): void {
    // RFC 5429 §2.1: reject does not combine with actions that deliver or answer the message.
    if (this.rejected) throw new SieveRuntimeError('conflict', `"${what}" cannot be combined with reject`, at);
  }

  command(c: Command, scope: VariableScope | null): Flow {
    this.budget.step();
    const x = (s: Str): string => expand(s, scope);
    const xs = (list: readonly Str[]): string[] => list.map(x);
    switch (c.kind) {
      case 'if':
        for (const branch of c.branches) {
          if (evaluateTest(branch.test, this.testState(scope))) return this.block(branch.block, scope);
        }
        return c.otherwise === null ? 'next' : this.block(c.otherwise, scope);
      case 'stop':
        return 'stop';
      case 'return':
        return 'return';
      case 'keep':
        this.conflict(c, 'keep');
        this.implicitKeep = false;
        this.add({ type: 'keep', flags: c.flags === null ? [...this.internalFlags] : flagList(xs(c.flags)), implicit: false }, c);
        return 'next';
      case 'discard':
        this.implicitKeep = false;
        this.discarded = true;
        return 'next';
      case 'fileinto': {
        this.conflict(c, 'fileinto');
        const mailbox = x(c.mailbox).trim();
        if (mailbox === '') throw new SieveRuntimeError('invalid-value', 'fileinto with an empty mailbox name', c);
        if (!c.copy) this.implicitKeep = false;
        const flags = c.flags === null ? [...this.internalFlags] : flagList(xs(c.flags));
        // RFC 5228 §4.1: "INBOX" is where keep delivers.
        if (mailbox.toUpperCase() === 'INBOX') this.add({ type: 'keep', flags, implicit: false }, c);
        else this.add({ type: 'fileinto', mailbox, flags, create: c.create }, c);
        return 'next';
      }
      case 'redirect': {
        this.conflict(c, 'redirect');
        const address = x(c.address).trim();
        if (!isValidRedirectAddress(address)) throw new SieveRuntimeError('invalid-value', `"${address}" is not a valid address to redirect to`, c);
        if (!c.copy) this.implicitKeep = false;
        const before = this.actions.length;
        this.add({ type: 'redirect', address }, c);
        if (this.actions.length > before && ++this.redirects > this.limits.maxRedirects) {
          throw new SieveRuntimeError('redirect-limit', `more than ${this.limits.maxRedirects} redirects for one message`, c);
        }
        return 'next';
      }
      case 'reject':
      case 'ereject': {
        if (this.actions.some((a) => a.type !== 'reject') || this.vacation) {
          throw new SieveRuntimeError('conflict', `"${c.kind}" cannot be combined with keep, fileinto, redirect or vacation`, c);
        }
        if (this.rejected) return 'next';
        this.rejected = true;
        this.implicitKeep = false;
        this.actions.push({ type: 'reject', reason: x(c.reason), ereject: c.kind === 'ereject' });
        return 'next';
      }
      case 'setflag':
      case 'addflag':
      case 'removeflag': {
        const given = flagList(xs(c.flags));
        const variable = c.variable === null ? null : x(c.variable);
        const current = this.flags(variable, scope);
        const next = c.kind === 'setflag' ? given
          : c.kind === 'addflag' ? flagList([...current, ...given])
            : current.filter((f) => !given.some((g) => g.toLowerCase() === f.toLowerCase()));
        if (variable === null || scope === null) this.internalFlags = next;
        else scope.set(variable, next.join(' '));
        return 'next';
      }
      case 'set':
        scope?.set(c.name, applyModifiers(x(c.value), c.modifiers));
        return 'next';
      case 'global':
        for (const name of c.names) scope?.globalNames.add(name);
        return 'next';
      case 'vacation': {
        this.conflict(c, 'vacation');
        // RFC 5230 §4.7 (and Pigeonhole): one vacation action per run.
        if (this.vacation) throw new SieveRuntimeError('conflict', 'vacation used twice for one message', c);
        this.vacation = true;
        this.countAction(c);
        this.actions.push({ type: 'vacation', vacation: this.vacationRequest(c.vacation, scope) });
        return 'next';
      }
      case 'include': {
        const key = `${c.location}:${c.name}`;
        if (c.once && this.included.has(key)) return 'next';
        const script = this.env.resolveInclude(c.location, c.name);
        if (script === null) {
          if (c.optional) return 'next';
          throw new SieveRuntimeError('include-missing', `included script "${c.name}" (${c.location}) does not exist`, c);
        }
        this.included.add(key);
        return this.script(script, key);
      }
    }
  }

  vacationRequest(v: Extract<Command, { kind: 'vacation' }>['vacation'], scope: VariableScope | null): VacationRequest {
    const reason = expand(v.reason, scope);
    const subject = v.subject === null ? null : expand(v.subject, scope);
    const from = v.from === null ? null : expand(v.from, scope);
    const addresses = v.addresses.map((a) => expand(a, scope));
    // RFC 5230 §4.2: without :handle, replies are told apart by their arguments.
    const handle = v.handle === null ? `${subject ?? ''}\u0000${from ?? ''}\u0000${reason}\u0000${v.mime ? 'mime' : ''}` : expand(v.handle, scope);
    return { reason, subject, from, addresses, mime: v.mime, handle, periodSeconds: v.periodSeconds };
  }

  testState(scope: VariableScope | null): TestState {
    return { env: this.env, budget: this.budget, scope, flags: (variable) => this.flags(variable, scope) };
  }

  result(): SieveAction[] {
    const actions = [...this.actions];
    // RFC 5228 §2.10.2 and RFC 5232 §5: the implicit keep carries the flags set by then.
    if (this.implicitKeep) actions.unshift({ type: 'keep', flags: [...this.internalFlags], implicit: true });
    else if (this.discarded && !actions.some((a) => a.type === 'keep' || a.type === 'fileinto' || a.type === 'redirect' || a.type === 'reject')) {
      actions.push({ type: 'discard' });
    }
    return actions;
  }
}

/** The implicit keep alone: what a failed run, or no script at all, does. */
export const IMPLICIT_KEEP: readonly SieveAction[] = Object.freeze([{ type: 'keep', flags: [], implicit: true }]);

/**
 * Runs the scripts in order as one execution (a domain's global script,
 * then the user's): actions accumulate, "stop" in the first ends the run.
 */
export function runScripts(scripts: readonly { script: CompiledScript; key: string }[], env: RunEnvironment): RunResult {
  const run = new Run(env);
  try {
    for (const { script, key } of scripts) {
      if (run.script(script, key) === 'stop') break;
    }
    return { actions: run.result(), errors: [] };
  } catch (err) {
    const error = err instanceof SieveRuntimeError ? err : new SieveRuntimeError('internal', (err as Error).message ?? String(err));
    return { actions: IMPLICIT_KEEP.map((a) => ({ ...a, flags: [] }) as SieveAction), errors: [error] };
  }
}
