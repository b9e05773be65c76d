// One delivery attempt for one lease (a message's recipients in one domain):
// route, try MX addresses in order until one holds a transaction, turn the
// answers into outcomes, send the notices they call for, and only then record
// them: a crash in between repeats the attempt (at-least-once, RFC 5321 §6.1),
// it never loses a failure notice. A notice whose submission fails is recorded
// as pending and retried on a later pass.
import { isIP } from 'node:net';
import type { PendingNotice, QueueLease, RecipientOutcome, SmtpAnswer } from '../store/queue-port.ts';
import { nextAttemptAt, retryDelay } from './backoff.ts';
import type { DsnRecipient } from './dsn.ts';
import type { LocalTransport } from './local-transport.ts';
import type { MxHost, MxResolver, Route } from './mx-resolver.ts';
import {
  sendNotices, wantsDelayNotice, wantsFailureNotice, wantsSuccessNotice, type NoticeBatch, type NoticeResult, type SubmitFn,
} from './notifier.ts';
import type { QueueConfig } from './queue-config.ts';
import { resultOf } from './smtp-answer.ts';
import { openSession, type SessionHandle } from './smtp-session.ts';

/** Postfix's smtp_mx_address_limit: a broken domain must not hold a slot for hours. */
const MAX_ADDRESSES = 10;

export interface LeaseContext {
  config: QueueConfig;
  resolver: MxResolver;
  submit: SubmitFn;
  now: () => number;
  readOriginal: (blobId: string) => Promise<Buffer>;
  /** Registers the running session so the worker can abort it (stop, lost lease). */
  track: (session: SessionHandle | null) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** Our own domains are delivered here rather than over SMTP (local-transport.ts); absent: every domain goes out. */
  local?: LocalTransport;
}

interface Attempted { answers: Map<string, SmtpAnswer>; host: string | null; ip: string | null; tls: boolean; remoteDsn: boolean }

async function smarthostRoute(ctx: LeaseContext): Promise<Route> {
  const sh = ctx.config.smarthost!;
  if (isIP(sh.host)) return { ok: true, hosts: [{ host: sh.host, preference: 0, ips: [sh.host] }] };
  const ips = await ctx.resolver.addressesOf(sh.host).catch(() => []);
  if (ips.length === 0) return { ok: false, permanent: false, answer: { code: 451, enhanced: '4.4.3', text: `smarthost ${sh.host} does not resolve` } };
  return { ok: true, hosts: [{ host: sh.host, preference: 0, ips }] };
}

async function attempt(ctx: LeaseContext, lease: QueueLease, hosts: MxHost[], original: Buffer): Promise<Attempted> {
  const sh = ctx.config.smarthost;
  const port = sh ? sh.port : ctx.config.remotePort;
  let last: Attempted | null = null;
  let tried = 0;
  for (const mx of hosts) {
    for (const ip of mx.ips) {
      if (tried++ >= MAX_ADDRESSES) break;
      const session = openSession(ctx.config, { host: mx.host, ip, port, smarthost: sh }, {
        sender: lease.message.sender,
        recipients: lease.recipients.map((r) => ({ address: r.address, notify: r.notify, orcpt: r.orcpt })),
        ret: lease.message.ret, envId: lease.message.envId, size: lease.message.size,
      }, original);
      ctx.track(session);
      const r = await session.result;
      ctx.track(null);
      if (r.stage === 'transaction') return { answers: r.answers, host: mx.host, ip, tls: r.tls, remoteDsn: r.remoteDsn };
      ctx.log('MX address failed before the transaction, trying the next', { host: mx.host, ip, answer: r.answer.text });
      // Connection-level failures are transient whatever the code (a 5xx greeting included):
      // another MX, or a later attempt, may do better (RFC 5321 §5.1).
      const answer = r.answer.code >= 500 ? { ...r.answer, code: 451, enhanced: '4.4.0' } : r.answer;
      last = { answers: new Map(lease.recipients.map((x) => [x.address, answer])), host: mx.host, ip, tls: r.tls, remoteDsn: false };
    }
  }
  return last ?? { answers: new Map(), host: null, ip: null, tls: false, remoteDsn: false };
}

/** Attempts delivery for `lease`, sends the notices due, and returns the outcomes to record. */
export async function deliverLease(ctx: LeaseContext, lease: QueueLease): Promise<RecipientOutcome[]> {
  const { message } = lease;
  const original = await ctx.readOriginal(message.blobId);
  const now = ctx.now();
  const batch: NoticeBatch = { failed: [], delayed: [], relayed: [] };
  const toDeliver = lease.recipients.filter((r) => r.status === 'queued' || r.status === 'deferred');
  const outcomes = toDeliver.length > 0 ? await deliverRecipients(ctx, { ...lease, recipients: toDeliver }, original, now, batch) : [];
  // Final recipients whose notice could not be handed over last time: only the notice is retried.
  for (const r of lease.recipients) {
    if (r.noticePending === null || toDeliver.includes(r)) continue;
    const answer = r.lastResponse ?? { code: 451, enhanced: '4.3.0', text: 'no answer recorded' };
    batch[r.noticePending].push({ recipient: r, action: r.noticePending, answer, remoteMta: null, lastAttemptAt: r.updatedAt });
    outcomes.push({ address: r.address, status: r.status, nextAttemptAt: r.nextAttemptAt, response: null, attempted: false, attempt: null });
  }

  const sent = await sendNotices(ctx.config, ctx.submit, message, original, batch, now);
  for (const err of sent.errors) ctx.log('could not submit a delivery status notification', { err: String(err), messageId: message.id });
  if (sent.delayed !== 'sent') for (const o of outcomes) o.delayNoticeSent = false;
  const retried = new Set(lease.recipients.filter((r) => r.noticePending !== null).map((r) => r.address));
  settle(ctx, message, outcomes, batch.failed, sent.failed, 'failed', retried, now);
  settle(ctx, message, outcomes, batch.relayed, sent.relayed, 'relayed', retried, now);
  return outcomes;
}

/**
 * A failure or relay notice that could not be submitted stays pending on its
 * recipient (persisted by record) and is tried again after the first retry
 * delay, then every retryIntervalMs; it is given up only a whole lifetime
 * after the message itself expired, like a bounce that expires in the queue.
 */
function settle(
  ctx: LeaseContext, message: QueueLease['message'], outcomes: RecipientOutcome[], notified: DsnRecipient[],
  result: NoticeResult, kind: PendingNotice, retried: ReadonlySet<string>, now: number,
): void {
  for (const n of notified) {
    const o = outcomes.find((x) => x.address === n.recipient.address)!;
    if (result !== 'failed') { o.noticePending = null; continue; }
    if (now >= message.expiresAt + ctx.config.lifetimeMs) {
      ctx.log('giving up on a delivery status notification that could not be submitted', { messageId: message.id, address: o.address, kind });
      o.noticePending = null;
      continue;
    }
    o.noticePending = kind;
    o.nextAttemptAt = now + retryDelay(ctx.config, retried.has(o.address) ? Number.MAX_SAFE_INTEGER : 1);
  }
}

async function deliverRecipients(ctx: LeaseContext, lease: QueueLease, original: Buffer, now: number, batch: NoticeBatch): Promise<RecipientOutcome[]> {
  const { message } = lease;
  let result: Attempted;
  if (ctx.local && await ctx.local.handles(lease.domain)) {
    const answers = await ctx.local.deliver(message.sender, lease.recipients.map((r) => ({ address: r.address, folder: r.localFolder })), original);
    // Final delivery, not a relay: no "relayed" notice (RFC 3461 §6.2.2), as for mail delivered locally at DATA time.
    result = { answers, host: null, ip: null, tls: false, remoteDsn: true };
  } else {
    const route = ctx.config.smarthost ? await smarthostRoute(ctx) : await ctx.resolver.route(lease.domain);
    result = route.ok
      ? await attempt(ctx, lease, route.hosts, original)
      : { answers: new Map(lease.recipients.map((r) => [r.address, route.answer])), host: null, ip: null, tls: false, remoteDsn: false };
  }

  const outcomes: RecipientOutcome[] = [];
  for (const r of lease.recipients) {
    let answer = result.answers.get(r.address) ?? { code: 451, enhanced: '4.3.0', text: 'no answer for this recipient' };
    let status = resultOf(answer);
    let next = now;
    if (status === 'deferred') {
      const at = nextAttemptAt(ctx.config, r.attempts + 1, now, message.expiresAt);
      if (at === null) {
        // RFC 3463 X.4.7: delivery time expired; the last remote answer is kept in the text.
        status = 'failed';
        answer = { code: answer.code, enhanced: '4.4.7', text: `message expired in the queue; last error: ${answer.code} ${answer.enhanced ?? ''} ${answer.text}`.replace(/\s+/g, ' ') };
      } else {
        next = at;
      }
    }
    const dsn: DsnRecipient = { recipient: r, action: 'failed', answer, remoteMta: result.answers.has(r.address) ? result.host : null, lastAttemptAt: now };
    let delayNoticeSent = false;
    if (status === 'failed' && wantsFailureNotice(message, r)) batch.failed.push(dsn);
    if (status === 'deferred' && wantsDelayNotice(message, r, now, ctx.config)) {
      batch.delayed.push({ ...dsn, action: 'delayed' });
      delayNoticeSent = true;
    }
    if (status === 'delivered' && !result.remoteDsn && wantsSuccessNotice(message, r)) batch.relayed.push({ ...dsn, action: 'relayed' });
    outcomes.push({
      address: r.address, status, nextAttemptAt: next, response: answer, attempted: true, delayNoticeSent,
      attempt: { at: now, mxHost: result.host, ip: result.ip, tls: result.tls, response: answer, result: status },
    });
  }
  return outcomes;
}
