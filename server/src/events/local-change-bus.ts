// In-process ChangeBus: listeners keyed by account and by mailbox, and
// listeners of every change (the console's live counters). Delivery
// is synchronous and isolated: a throwing listener is reported and does not
// stop the others (one broken IDLE session must not silence the rest).
import type { ChangeBus, ChangeEvent, ChangeListener, ChangeTopic } from './change-bus.ts';

export class LocalChangeBus implements ChangeBus {
  readonly #byAccount = new Map<string, Set<ChangeListener>>();
  readonly #byMailbox = new Map<string, Set<ChangeListener>>();
  readonly #all = new Set<ChangeListener>();
  readonly #onListenerError: (err: unknown, event: ChangeEvent) => void;

  constructor(options: { onListenerError?: (err: unknown, event: ChangeEvent) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? ((err) => { process.emitWarning(`change listener failed: ${String(err)}`); });
  }

  publish(event: ChangeEvent): void {
    const listeners = [
      ...(this.#byAccount.get(event.accountId) ?? []),
      ...(event.kind === 'account' || event.kind === 'dav' ? [] : this.#byMailbox.get(event.mailboxId) ?? []),
      ...this.#all,
    ];
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#onListenerError(err, event);
      }
    }
  }

  subscribe(topic: ChangeTopic, listener: ChangeListener): () => void {
    if ('all' in topic) {
      const entry: ChangeListener = (event) => listener(event);
      this.#all.add(entry);
      return () => { this.#all.delete(entry); };
    }
    const [map, key] = 'accountId' in topic ? [this.#byAccount, topic.accountId] : [this.#byMailbox, topic.mailboxId];
    let set = map.get(key);
    if (!set) map.set(key, set = new Set());
    // Each subscription is its own entry, so subscribing one function twice needs two unsubscribes.
    const entry: ChangeListener = (event) => listener(event);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
  }

  /** Number of live subscriptions (for metrics and leak tests). */
  get size(): number {
    let n = this.#all.size;
    for (const map of [this.#byAccount, this.#byMailbox]) for (const set of map.values()) n += set.size;
    return n;
  }
}
