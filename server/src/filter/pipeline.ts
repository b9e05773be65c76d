// The pipeline runner: the checks of one stage, in the configured order, each
// bounded by its timeout. A check that throws or times out is logged, counted,
// and then counts as its declared policy says: `defer` (fail closed: the
// client is asked to retry, 451 4.7.1) or `skip` (fail open: as if it had
// found nothing). Never a crash, never a silent accept.
//
// Stages before DATA run their checks one after the other and stop at the
// first hard decision (cheap checks first, like Haraka's hook chain). The
// DATA stage starts its checks together — most of them wait on a socket
// (clamd, spamd, DNS) — and takes the most severe decision; the rules that
// fired are listed in the configured order whatever finished first.
import type {
  CheckReport, CheckResult, FilterCheck, FilterContext, HardAction, HardDecision, RuleHit, Stage, StageOutcome,
} from './pipeline-types.ts';

/** Which decision wins when several checks decide at the DATA stage. */
export const SEVERITY: Record<HardAction, number> = { accept: 1, junk: 2, defer: 3, quarantine: 4, reject: 5 };

export interface CheckSettings { enabled?: boolean; timeoutMs?: number; onError?: 'defer' | 'skip' }

export interface PipelineOptions {
  /** Check names in the order to run; checks not named keep their built-in order after them. */
  order: readonly string[];
  /** Per-check overrides from `filter.checks`. */
  settings: Readonly<Record<string, CheckSettings>>;
  /** Whether a check applies to this context (per-domain policy may switch checks off). */
  enabledFor?: (check: FilterCheck, ctx: FilterContext) => boolean;
  /** Called for every check failure (metrics). */
  onFailure?: (check: FilterCheck, kind: 'error' | 'timeout') => void;
}

export interface Pipeline {
  /** The checks in run order, with their settings applied. */
  readonly checks: readonly FilterCheck[];
  run(stage: Stage, ctx: FilterContext): Promise<StageOutcome>;
}

class CheckTimeout extends Error {}

/**
 * The abort reason of a check that has answered: its signal is aborted so
 * that sockets it left open close. One shared reason, because
 * `abort()` without one builds a DOMException (with a stack) every time, for
 * every check of every message.
 */
const FINISHED = new Error('filter check finished');

function ordered(checks: readonly FilterCheck[], order: readonly string[]): FilterCheck[] {
  const rank = new Map(order.map((name, i) => [name, i]));
  return checks
    .map((check, i) => ({ check, key: rank.get(check.name) ?? order.length + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.check);
}

export function createPipeline(all: readonly FilterCheck[], options: PipelineOptions): Pipeline {
  const checks = ordered(all, options.order)
    .filter((c) => options.settings[c.name]?.enabled !== false)
    .map((c) => {
      const s = options.settings[c.name];
      return s ? { ...c, timeoutMs: s.timeoutMs ?? c.timeoutMs, onError: s.onError ?? c.onError } : c;
    });

  async function runOne(check: FilterCheck, ctx: FilterContext): Promise<{ result: CheckResult | null; decision: HardDecision | null; report: CheckReport }> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new CheckTimeout(`no answer within ${check.timeoutMs} ms`));
      }, check.timeoutMs);
    });
    const report = (outcome: CheckReport['outcome'], error?: string): CheckReport => ({
      check: check.name, stage: check.stage, ms: Math.round((performance.now() - started) * 10) / 10, outcome, ...(error ? { error } : {}),
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => check.run(ctx, controller.signal)), timeout]);
      const decision = result.decision ? { ...result.decision, check: check.name } : null;
      return { result, decision, report: report(decision ? 'decided' : 'ok') };
    } catch (err) {
      const kind = err instanceof CheckTimeout ? 'timeout' : 'error';
      const message = err instanceof Error ? err.message : String(err);
      options.onFailure?.(check, kind);
      ctx.log.warn({ check: check.name, stage: check.stage, kind, err: message, policy: check.onError }, `filter check failed (${check.onError === 'defer' ? 'deferring' : 'skipped'})`);
      const decision: HardDecision | null = check.onError === 'defer'
        ? { action: 'defer', check: check.name, reason: `Temporary filter failure (${check.name}); try again later`, smtpCode: 451, enhancedCode: '4.7.1' }
        : null;
      return { result: null, decision, report: report(kind, message) };
    } finally {
      clearTimeout(timer);
      controller.abort(FINISHED);
    }
  }

  function applies(check: FilterCheck, stage: Stage, ctx: FilterContext): boolean {
    return check.stage === stage && check.directions.includes(ctx.direction) && (options.enabledFor?.(check, ctx) ?? true);
  }

  return {
    checks,
    async run(stage, ctx) {
      const due = checks.filter((c) => applies(c, stage, ctx));
      const reports: CheckReport[] = [];
      if (stage !== 'data') {
        for (const check of due) {
          const { result, decision, report } = await runOne(check, ctx);
          reports.push(report);
          if (result?.hits) ctx.hits.push(...result.hits);
          if (decision) return { decision, reports };
        }
        return { decision: null, reports };
      }
      const outcomes = await Promise.all(due.map((c) => runOne(c, ctx)));
      let decision: HardDecision | null = null;
      const hits: RuleHit[] = [];
      for (const o of outcomes) {
        reports.push(o.report);
        if (o.result?.hits) hits.push(...o.result.hits);
        if (o.decision && (!decision || SEVERITY[o.decision.action] > SEVERITY[decision.action])) decision = o.decision;
      }
      ctx.hits.push(...hits);
      return { decision, reports };
    },
  };
}
