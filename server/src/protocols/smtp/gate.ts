// The one gate in front of every SMTP hook (STYLE.md "One gate before every
// handler"). smtp-server has already parsed the command and checked its
// sequence; the gate adds what is ours: the per-connection state, the
// dictionary-harvest cut-off on every command, and one place that turns any
// error into an SMTP reply, counts it, and logs the decision with its reason.
// Handlers are `async (ctx, input)` and throw SmtpReply to refuse.
import type { SMTPServerSession } from 'smtp-server';
import { isStoaError } from '../../errors/catalogue.ts';
import { isServerFault, newReference } from '../../errors/incident.ts';
import { FilterRefusal } from '../../filter/decision.ts';
import type { HookContext, SessionState, SmtpServices } from './smtp-context.ts';
import { countRejection } from './smtp-metrics.ts';
import { SmtpReply, replyFor } from './smtp-reply.ts';

const states = new WeakMap<SMTPServerSession, SessionState>();

export function attachState(session: SMTPServerSession, state: SessionState): void {
  states.set(session, state);
}

export function stateOf(session: SMTPServerSession): SessionState | undefined {
  return states.get(session);
}

export type HookName = 'connect' | 'auth' | 'mail-from' | 'rcpt-to' | 'data';

/** What a refusal was about, for the message trace (the RCPT address being refused). */
export interface RefusalSubject { sender?: string; recipients?: string[] }

/** Logs, counts and traces a refusal; returns the error smtp-server writes as the reply. */
export function refuse(services: SmtpServices, state: SessionState | undefined, hook: HookName, err: unknown, subject: RefusalSubject = {}): SmtpReply {
  const fault = !(err instanceof SmtpReply) && !(err instanceof FilterRefusal) && isServerFault(err);
  // A fault on our side: the reply carries only a reference, the log line the detail and the same reference.
  const ref = fault ? newReference() : null;
  const reply = replyFor(err, ref);
  countRejection(services.metrics, reply.reason);
  // AUTH failures are authentication events, not message outcomes: they stay out of the message trace.
  if (hook !== 'auth') {
    services.trace?.publish({
      stage: 'rejected', origin: state?.listener ?? 'smtp', ip: state?.ip ?? null,
      sender: subject.sender ?? state?.tx?.sender ?? '',
      recipients: subject.recipients ?? (hook === 'data' && state?.tx ? [...state.tx.plans.keys()] : []),
      reason: `${reply.line} (${reply.reason})`,
    });
  }
  const log = state?.log ?? services.logger;
  if (!fault) {
    log.info({ hook, reply: reply.line, reason: reply.reason }, 'smtp refused');
  } else if (isStoaError(err, 'STOA_STORE_UNAVAILABLE')) {
    log.warn({ hook, reply: reply.line, err, ref }, 'smtp hook failed: store unavailable');
  } else {
    // An unexpected failure: the client retries, the operator needs the stack.
    log.error({ hook, reply: reply.line, err, ref }, 'smtp hook failed');
  }
  return reply;
}

/**
 * Runs a hook for a session that has passed onConnect. The callback gets
 * either nothing (accepted) or the SmtpReply; `value` is passed through for
 * hooks that answer with data (AUTH's user, DATA's 250 text).
 */
export function runHook<T>(
  services: SmtpServices,
  session: SMTPServerSession,
  hook: HookName,
  handler: (ctx: HookContext) => Promise<T>,
  callback: (err: Error | null, value?: T) => void,
  subject: RefusalSubject = {},
): void {
  const state = states.get(session);
  if (!state) {
    callback(refuse(services, undefined, hook, new SmtpReply(421, '4.3.0', 'Session state lost; try again', 'temporary-failure')));
    return;
  }
  // A client cut off for harvesting on another connection is cut off here too.
  if (hook !== 'data' && services.harvest.isCutOff(state.ip)) {
    callback(refuse(services, state, hook, new SmtpReply(421, '4.7.0', 'Too many unknown recipients; closing connection', 'harvest'), subject));
    return;
  }
  handler({ services, session, state }).then(
    (value) => callback(null, value),
    (err: unknown) => callback(refuse(services, state, hook, err, subject)),
  );
}
