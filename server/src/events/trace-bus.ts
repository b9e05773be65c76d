// Message trace events: one line per outcome of a message as it passes
// through the server, for the console's live trace. The intake publishes
// what it accepted and where each recipient went (delivered, queued, held in
// quarantine, failed), for every origin; the SMTP front end publishes the
// refusals it answered (gate.ts refuse(), the one place every SMTP refusal
// passes); the queue's delivery worker publishes delivered, deferred and
// failed attempts. A domain-level event: publishers get the small
// TracePublisher, and nothing here knows about protocols. Listeners are
// called synchronously and must not block; a throwing listener is isolated
// from the others, as on the change bus.

export type TraceStage = 'accepted' | 'delivered' | 'queued' | 'held' | 'deferred' | 'rejected' | 'failed';

export interface TraceEvent {
  seq: number;
  at: string;
  stage: TraceStage;
  /**
   * Where it happened: the intake origin ("smtp", "submission", "notice", "sieve", "release" …),
   * the SMTP listener that refused ("smtp", "submission", "smtps"), or "queue" (the delivery worker).
   */
  origin: string;
  sender: string;
  recipients: string[];
  messageId: string | null;
  queueId: string | null;
  ip: string | null;
  reason: string | null;
}

export type TraceInput = Omit<TraceEvent, 'seq' | 'at' | 'messageId' | 'queueId' | 'ip' | 'reason'> & Partial<Pick<TraceEvent, 'messageId' | 'queueId' | 'ip' | 'reason'>>;

/** What publishers get: one method, so the intake, SMTP and the queue depend on nothing else. */
export interface TracePublisher {
  publish(event: TraceInput): void;
}

export type TraceListener = (event: TraceEvent) => void;

/** Longest recipient list kept in one event: a trace line, not a copy of the envelope. */
const MAX_RECIPIENTS = 50;

export class TraceBus implements TracePublisher {
  readonly #listeners = new Set<TraceListener>();
  readonly #now: () => number;
  readonly #onListenerError: (err: unknown) => void;
  #seq = 0;

  constructor(options: { now?: () => number; onListenerError?: (err: unknown) => void } = {}) {
    this.#now = options.now ?? Date.now;
    this.#onListenerError = options.onListenerError ?? ((err) => { process.emitWarning(`trace listener failed: ${String(err)}`); });
  }

  publish(input: TraceInput): void {
    // Nobody watching: no event is built at all, so tracing costs nothing on a quiet console.
    if (this.#listeners.size === 0) return;
    const event: TraceEvent = {
      seq: ++this.#seq,
      at: new Date(this.#now()).toISOString(),
      stage: input.stage,
      origin: input.origin,
      sender: input.sender,
      recipients: input.recipients.slice(0, MAX_RECIPIENTS),
      messageId: input.messageId ?? null,
      queueId: input.queueId ?? null,
      ip: input.ip ?? null,
      reason: input.reason ?? null,
    };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }

  subscribe(listener: TraceListener): () => void {
    const entry: TraceListener = (e) => listener(e);
    this.#listeners.add(entry);
    return () => { this.#listeners.delete(entry); };
  }

  get size(): number {
    return this.#listeners.size;
  }
}
