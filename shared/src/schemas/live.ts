// The console's live channel (WebSocket GET /api/v1/live): what the server
// streams. Counters are totals since the server started (the console turns
// consecutive snapshots into rates); trace events are single message
// outcomes as they happen. Server → client only, JSON text frames.
import Type, { type Static } from 'typebox';
import { Timestamp } from './common.ts';

/**
 * accepted: the intake took the message in; delivered: stored in a mailbox (or handed over by the queue);
 * queued: waiting in the outbound queue; held: in quarantine; deferred: a queue attempt failed temporarily;
 * rejected: refused at SMTP (the reply in reason); failed: will not be delivered (bounced).
 */
export const TraceStage = Type.Union([
  Type.Literal('accepted'), Type.Literal('delivered'), Type.Literal('queued'), Type.Literal('held'),
  Type.Literal('deferred'), Type.Literal('rejected'), Type.Literal('failed'),
]);
export type TraceStage = 'accepted' | 'delivered' | 'queued' | 'held' | 'deferred' | 'rejected' | 'failed';

export const TraceEvent = Type.Object({
  seq: Type.Integer({ minimum: 1, description: 'Increasing number of this event in this server process' }),
  at: Timestamp,
  stage: TraceStage,
  /** Where it happened: the intake origin (smtp, submission, notice, sieve, release …), the SMTP listener that refused, or the outbound queue. */
  origin: Type.String(),
  sender: Type.String({ description: 'Envelope sender; empty for <>' }),
  recipients: Type.Array(Type.String()),
  /** Our id of the message (the intake's acceptance id, as in Received), null for a refusal and for queue attempts. */
  messageId: Type.Union([Type.String(), Type.Null()]),
  queueId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  /** Why: the refusal reason or the remote server's answer. */
  reason: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false });
export type TraceEvent = Static<typeof TraceEvent>;

export const LiveCounters = Type.Object({
  smtpAccepted: Type.Integer({ minimum: 0, description: 'Messages answered 250 after DATA' }),
  smtpRejected: Type.Integer({ minimum: 0, description: 'Connections, commands and messages refused' }),
  queueDelivered: Type.Integer({ minimum: 0 }),
  queueDeferred: Type.Integer({ minimum: 0 }),
  queueFailed: Type.Integer({ minimum: 0 }),
  queueSize: Type.Integer({ minimum: 0, description: 'Messages with recipients still pending' }),
  mailboxDeliveries: Type.Integer({ minimum: 0, description: 'New messages seen in mailboxes (change bus)' }),
  authFailures: Type.Integer({ minimum: 0, description: 'Failed or throttled logins, every protocol' }),
  connections: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Open connections by protocol/listener' }),
}, { additionalProperties: false });
export type LiveCounters = Static<typeof LiveCounters>;

export const LiveMessage = Type.Union([
  Type.Object({ type: Type.Literal('hello'), at: Timestamp, intervalMs: Type.Integer(), version: Type.String() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('metrics'), at: Timestamp, counters: LiveCounters }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('trace'), event: TraceEvent }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('dropped'), count: Type.Integer({ minimum: 1 }), description: Type.String() }, { additionalProperties: false }),
]);
export type LiveMessage = Static<typeof LiveMessage>;

/** WebSocket close codes of the live channel (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const LiveCloseCode = {
  /** The session ended (expired, signed out, account disabled): sign in again. */
  unauthenticated: 4401,
  /** Too many live subscribers on this server: try again later (with back-off). */
  full: 4429,
  /** The client read too slowly for too long. */
  tooSlow: 4408,
} as const;
