// The filter service: builds the pipeline once from configuration and hands
// front ends and the intake service the few calls they need:
//   session()/transaction()  a context per connection and per transaction
//   runStage(stage, ctx)     the checks of one SMTP stage → null or a decision
//   evaluateMessage(ctx, m)  the DATA stage: verdict, header, folder, reply
//   hold(ctx, evaluation, raw)  quarantine what the verdict says to hold
//   train(actor, raw, class) the classifier learns (Junk moves, admin corpora)
// plus the quarantine and verdict services for the admin API.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Counter, type Registry } from 'prom-client';
import type { StoaConfig } from '../config/types.ts';
import type { Logger } from '../log/logger.ts';
import type { DnsLookups } from '../mail-auth/dns-resolver.ts';
import type { InboundAuthenticator } from '../mail-auth/inbound.ts';
import type { Store } from '../store/port.ts';
import type { QuarantineEntry } from '../store/filter-port.ts';
import { createBayesClassifier } from './bayes-classifier.ts';
import { builtInChecks } from './checks/built-in-checks.ts';
import type { CheckDeps } from './checks/check-deps.ts';
import { createPolicyResolver } from './domain-policy.ts';
import { createMessageView } from './message-view.ts';
import { createOutboundGuard } from './outbound-guard.ts';
import { createPipeline, type CheckSettings, type Pipeline } from './pipeline.ts';
import type { Direction, FilterContext, HardDecision, Stage } from './pipeline-types.ts';
import { createQuarantineDigest, type NoticeDelivery } from './quarantine-digest.ts';
import { createQuarantineService, type QuarantineService, type ReleaseDelivery } from './quarantine-service.ts';
import { metaHits } from './meta-rules.ts';
import { RULES, scoreTable } from './rules.ts';
import { createTrainer, type Trainer } from './trainer.ts';
import { decide, verdictHeader, type Verdict, type VerdictAction } from './verdict.ts';
import { createVerdictService, type VerdictService } from './verdict-service.ts';

export interface FilterServiceDeps {
  config: Pick<StoaConfig, 'filter' | 'hostname' | 'mailAuth' | 'dns'>;
  store: Store;
  logger: Logger;
  dns: DnsLookups;
  inbound: InboundAuthenticator;
  /** Where released quarantine entries go: the intake (intake/quarantine-release.ts). */
  deliverReleased: ReleaseDelivery;
  /** Where the daily quarantine digest goes; without it no digest is sent. */
  deliverNotice?: NoticeDelivery;
  /** Prometheus registry for the filter's counters. */
  registry?: Registry;
  now?: () => number;
}

export interface SessionInit {
  direction: Direction;
  ip: string;
  clientHostname?: string | null;
  log: Logger;
}

export interface SmtpAnswer { code: number; enhanced: string; text: string }

export interface MessageEvaluation {
  verdict: Verdict;
  /** Fields to prepend to the message, CRLF-terminated: Authentication-Results (MX) and X-Stoa-Spam. */
  header: string;
  action: VerdictAction;
  /** Where local copies go when the action lets them be delivered. */
  folder: 'INBOX' | 'Junk';
  /** The reply for reject and defer; null otherwise. */
  reply: SmtpAnswer | null;
}

export interface MessageInput {
  /** The message, or at least its first filter.maxScanBytes. */
  raw: Buffer;
  size: number;
  /** The whole message (antivirus, DKIM body hashes). */
  stream: () => Readable;
}

export interface FilterService {
  readonly pipeline: Pipeline;
  session(init: SessionInit): FilterContext;
  /** A fresh transaction context carrying the connection's facts (rules fired at connect/HELO). */
  transaction(session: FilterContext): FilterContext;
  runStage(stage: Stage, ctx: FilterContext): Promise<HardDecision | null>;
  evaluateMessage(ctx: FilterContext, message: MessageInput): Promise<MessageEvaluation>;
  hold(ctx: FilterContext, evaluation: MessageEvaluation, raw: Buffer): Promise<QuarantineEntry[]>;
  train: Trainer['train'];
  quarantine: QuarantineService;
  verdicts: VerdictService;
  /** Periodic clean-ups for housekeeping: verdict retention, quarantine expiry, greylist and rate counters. */
  housekeepingTasks(): Array<{ name: string; run(): Promise<number> }>;
}

/** The checks that existed before the pipeline: what `filter.enabled: false` keeps. */
const CORE_CHECKS = new Set(['ip-lists', 'dnsbl', 'greylist', 'rate-limit', 'mail-auth']);

export function defaultReply(decision: HardDecision | null, action: VerdictAction, reason: string): SmtpAnswer | null {
  if (action === 'reject') return { code: decision?.smtpCode ?? 550, enhanced: decision?.enhancedCode ?? '5.7.1', text: decision?.reason ?? reason };
  if (action === 'defer') return { code: decision?.smtpCode ?? 451, enhanced: decision?.enhancedCode ?? '4.7.1', text: decision?.reason ?? reason };
  return null;
}

export function createFilterService(deps: FilterServiceDeps): FilterService {
  const { config, store, logger } = deps;
  const filter = config.filter;
  const now = deps.now ?? Date.now;
  const scores = scoreTable(filter.scores);
  const policy = createPolicyResolver(filter);
  const bayes = createBayesClassifier(store.bayes, filter.bayes);
  const localCache = new Map<string, { value: boolean; expires: number }>();
  const isLocalDomain = async (name: string): Promise<boolean> => {
    const key = name.toLowerCase();
    const hit = localCache.get(key);
    if (hit && hit.expires > now()) return hit.value;
    const value = (await store.domains.getByName(key)) !== null;
    if (localCache.size > 10_000) localCache.clear();
    localCache.set(key, { value, expires: now() + 60_000 });
    return value;
  };
  const checkDeps: CheckDeps = {
    config, scores, dns: deps.dns, inbound: deps.inbound, greylist: store.greylist, rateCounters: store.rateCounters, bayes, policy, isLocalDomain,
  };
  const metrics = deps.registry ? {
    verdicts: new Counter({ name: 'stoa_filter_verdicts_total', help: 'Filter verdicts on messages, by direction and action', labelNames: ['direction', 'action'] as const, registers: [deps.registry] }),
    failures: new Counter({ name: 'stoa_filter_check_failures_total', help: 'Filter checks that threw or timed out, by check and kind', labelNames: ['check', 'kind'] as const, registers: [deps.registry] }),
    held: new Counter({ name: 'stoa_filter_quarantined_total', help: 'Messages held in quarantine', registers: [deps.registry] }),
    outbound: new Counter({ name: 'stoa_filter_outbound_blocked_total', help: 'Submitted messages refused as spam or malware (possible compromised accounts)', registers: [deps.registry] }),
  } : null;

  const settings: Record<string, CheckSettings> = { ...filter.checks };
  if (!filter.enabled) {
    for (const c of builtInChecks(checkDeps)) if (!CORE_CHECKS.has(c.name)) settings[c.name] = { ...settings[c.name], enabled: false };
  }
  const pipeline = createPipeline(builtInChecks(checkDeps), {
    order: filter.order,
    settings,
    enabledFor: (check, ctx) => policy.checkEnabled(check, ctx),
    onFailure: (check, kind) => metrics?.failures.inc({ check: check.name, kind }),
  });
  // Names that match nothing are most likely typos: say so at start-up rather than ignore them silently.
  const known = new Set(pipeline.checks.map((c) => c.name).concat(builtInChecks(checkDeps).map((c) => c.name)));
  const unknownChecks = [...filter.order, ...Object.keys(filter.checks), ...Object.values(filter.domains).flatMap((p) => Object.keys(p.checks ?? {}))].filter((n) => !known.has(n));
  const unknownRules = Object.keys(filter.scores).filter((r) => !Object.hasOwn(RULES, r));
  if (unknownChecks.length > 0) logger.warn({ checks: [...new Set(unknownChecks)] }, 'filter configuration names checks that do not exist (docs/filtering.md lists them)');
  if (unknownRules.length > 0) logger.warn({ rules: unknownRules }, 'filter.scores names rules that do not exist (docs/filtering.md lists them)');
  const verdicts = createVerdictService(store, logger);
  const quarantine = createQuarantineService({ store, logger, policy, retentionDays: filter.quarantine.retentionDays, deliver: deps.deliverReleased, now });
  const outbound = createOutboundGuard({ store, logger, config: filter.outbound, now, onBlocked: () => metrics?.outbound.inc() });
  const digest = createQuarantineDigest({
    store, logger, hostname: config.hostname, enabled: filter.quarantine.digest.enabled && deps.deliverNotice !== undefined,
    hourUtc: filter.quarantine.digest.hourUtc, now, deliver: deps.deliverNotice ?? (async () => undefined),
    userRelease: (e) => e.direction === 'inbound' && policy.forDomains([...new Set(e.recipients.map((r) => r.address.slice(r.address.lastIndexOf('@') + 1).toLowerCase()))]).userRelease,
  });
  const trainer = createTrainer({ store, bayes, maxScanBytes: filter.maxScanBytes, now });

  const service: FilterService = {
    pipeline,
    session(init) {
      return {
        direction: init.direction, ip: init.ip, helo: '', clientHostname: init.clientHostname ?? null, account: null, sender: null,
        recipients: [], recipient: null, allowListed: false, hits: [], message: null, addHeaders: [], facts: {}, log: init.log, now,
      };
    },
    transaction(s) {
      return { ...s, sender: null, recipients: [], recipient: null, hits: [...s.hits], message: null, addHeaders: [], facts: {} };
    },
    async runStage(stage, ctx) {
      if (stage === 'mail' && ctx.direction === 'outbound' && ctx.account) {
        const locked = await outbound.lockedReason(ctx.account.id);
        if (locked) return { action: 'reject', check: 'outbound', reason: locked, smtpCode: 550, enhancedCode: '5.7.1' };
      }
      const outcome = await pipeline.run(stage, ctx);
      const d = outcome.decision;
      if (d && d.action !== 'accept') ctx.log.info({ stage, check: d.check, action: d.action }, d.reason);
      return d;
    },
    async evaluateMessage(ctx, input) {
      ctx.message = createMessageView(input.raw, input.size, input.stream, filter.maxScanBytes);
      const outcome = await pipeline.run('data', ctx);
      ctx.hits.push(...metaHits(ctx.hits, scores));
      const domains = policy.domainsOf(ctx);
      const thresholds = ctx.direction === 'outbound'
        ? { tag: filter.thresholds.tag, junk: Number.POSITIVE_INFINITY, quarantine: 0, reject: filter.outbound.enabled ? filter.outbound.rejectScore : 0 }
        : policy.forDomains(domains).thresholds;
      const decided = decide(ctx.direction, ctx.hits, outcome.decision, thresholds);
      // Outbound mail is never filed in a Junk folder: a message that would be held or junked is refused instead.
      const action: VerdictAction = ctx.direction === 'outbound' && (decided.action === 'junk' || decided.action === 'quarantine') && outcome.decision?.action !== 'quarantine'
        ? 'reject' : decided.action;
      const verdict: Verdict = {
        id: randomUUID(), at: new Date(now()).toISOString(), direction: ctx.direction, score: decided.score, action,
        thresholds: { ...thresholds, junk: Number.isFinite(thresholds.junk) ? thresholds.junk : 0 },
        rules: ctx.hits, decision: outcome.decision, reason: decided.reason, checks: outcome.reports,
      };
      metrics?.verdicts.inc({ direction: ctx.direction, action });
      const header = ctx.addHeaders.join('') + verdictHeader(verdict);
      verdicts.record(verdict, ctx);
      // The checks are done with the body; the context (and with it the view) lives on until the next MAIL.
      ctx.message.release();
      if (ctx.direction === 'outbound' && action === 'reject' && ctx.account) await outbound.blocked(ctx.account, verdict);
      ctx.log.info({ verdict: verdict.id, score: verdict.score, action, rules: verdict.rules.map((r) => r.rule) }, `filter verdict: ${decided.reason}`);
      return { verdict, header, action, folder: action === 'junk' ? 'Junk' : 'INBOX', reply: defaultReply(outcome.decision, action, decided.reason) };
    },
    async hold(ctx, evaluation, raw) {
      const m = ctx.message;
      const entries = await quarantine.hold({
        raw, direction: ctx.direction, sender: ctx.sender ?? '', recipients: ctx.recipients,
        subject: m?.header('subject') ?? '', from: m?.header('from') ?? '', reason: evaluation.verdict.reason,
        verdictId: evaluation.verdict.id, score: evaluation.verdict.score,
      });
      metrics?.held.inc();
      return entries;
    },
    train: (actor, raw, cls, target) => trainer.train(actor, raw, cls, target),
    quarantine,
    verdicts,
    housekeepingTasks: () => [
      { name: 'filterVerdicts', run: () => store.verdicts.prune(now() - filter.verdictRetentionDays * 86_400_000) },
      { name: 'quarantine', run: () => quarantine.purge(now()) },
      { name: 'quarantineDigest', run: () => digest.run() },
    ],
  };
  return service;
}
