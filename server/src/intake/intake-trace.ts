// What the intake tells the console's live trace (events/trace-bus.ts) about
// each message it takes: "accepted", then where every recipient went. Kept
// beside the intake so every origin is traced the same way, whoever called.
//
// Who publishes what, so each outcome appears once:
// - origin 'queue' (the delivery worker retrying a local recipient) is not
//   traced here: the worker publishes that attempt's outcome when it records
//   it, as it does for remote recipients;
// - a message the intake refuses (accept() throws) from SMTP is traced by
//   the SMTP front end (gate.ts refuse()) with the reply the client was
//   given, alongside the refusals the SMTP session decides itself (size,
//   NUL, harvest, connection limits) that never reach the intake; refusals
//   of messages the server makes itself (notices, Sieve redirects and
//   replies, calendar, quarantine release) are traced here as 'failed'.
import type { TracePublisher, TraceStage } from '../events/trace-bus.ts';
import type { IntakeRequest, IntakeResult, RecipientOutcome } from './api.ts';

/** A trace event keeps at most this many recipients; larger groups are split so none is left out. */
const PER_EVENT = 50;

function stageOf(o: RecipientOutcome): { stage: TraceStage; reason: string | null; queueId: string | null } {
  switch (o.status) {
    case 'delivered': return { stage: 'delivered', reason: null, queueId: null };
    case 'duplicate': return { stage: 'delivered', reason: 'repeated delivery of the same Message-ID, collapsed', queueId: null };
    case 'queued': return { stage: 'queued', reason: null, queueId: o.queueId };
    case 'held': return { stage: 'held', reason: 'held in quarantine by the filter', queueId: null };
    case 'failed': return {
      stage: 'failed',
      reason: `${o.error.message} (${o.error.code}${o.handled === 'bounced' ? '; bounced to the sender' : ''})`,
      queueId: null,
    };
  }
}

function traced(request: IntakeRequest): boolean {
  return request.origin.kind !== 'queue';
}

function answeredByFrontEnd(request: IntakeRequest): boolean {
  return request.origin.kind === 'smtp' || request.origin.kind === 'submission';
}

export function traceAccepted(trace: TracePublisher | undefined, request: IntakeRequest, result: IntakeResult): void {
  if (!trace || !traced(request)) return;
  const { envelope, origin } = request;
  const common = { origin: origin.kind, sender: envelope.sender, messageId: result.id, ip: origin.ip ?? null };
  const all = envelope.recipients.map((r) => r.address);
  for (let i = 0; i < all.length || i === 0; i += PER_EVENT) {
    trace.publish({ ...common, stage: 'accepted', recipients: all.slice(i, i + PER_EVENT), queueId: result.queueId });
  }
  // Recipients with the same outcome (and reason) share one event.
  const groups = new Map<string, { stage: TraceStage; reason: string | null; queueId: string | null; recipients: string[] }>();
  for (const o of result.outcomes) {
    const s = stageOf(o);
    const key = `${s.stage}\u0000${s.reason ?? ''}\u0000${s.queueId ?? ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, group = { ...s, recipients: [] });
    group.recipients.push(o.address);
  }
  for (const g of groups.values()) {
    for (let i = 0; i < g.recipients.length; i += PER_EVENT) {
      trace.publish({ ...common, stage: g.stage, reason: g.reason, queueId: g.queueId, recipients: g.recipients.slice(i, i + PER_EVENT) });
    }
  }
}

export function traceRefused(trace: TracePublisher | undefined, request: IntakeRequest, err: unknown): void {
  if (!trace || !traced(request) || answeredByFrontEnd(request)) return;
  const { envelope, origin } = request;
  const reason = err instanceof Error ? err.message : String(err);
  const all = envelope.recipients.map((r) => r.address);
  for (let i = 0; i < all.length || i === 0; i += PER_EVENT) {
    trace.publish({ stage: 'failed', origin: origin.kind, sender: envelope.sender, recipients: all.slice(i, i + PER_EVENT), ip: origin.ip ?? null, reason });
  }
}
