// Message trace events: one line per outcome of a message as it passes
// through the server (accepted or rejected at SMTP, delivered, deferred or
// failed by the queue), for the console's live trace. A domain-level event:
// the SMTP front end and the queue worker publish through the small
// TracePublisher they are given, and nothing here knows about protocols.
// Listeners are called synchronously and must not block; a throwing
// listener is isolated from the others, as on the change bus.

export type TraceStage = 'accepted' | 'delivered' | 'deferred' | 'rejected' | 'failed';

export interface TraceEvent {
  seq: number;
  at: string;
  stage: TraceStage;
  /** Where it happened: an SMTP listener ("smtp", "submission", "smtps") or "queue". */
  origin: string;
  sender: string;
  recipients: string[];
  messageId: string | null;
  queueId: string | null;
  ip: string | null;
  reason: string | null;
}

export type TraceInput = Omit<TraceEvent, 'seq' | 'at' | 'messageId' | 'queueId' | 'ip' | 'reason'> & Partial<Pick<TraceEvent, 'messageId' | 'queueId' | 'ip' | 'reason'>>;

/** What publishers get: one method, so SMTP and the queue depend on nothing else. */
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
