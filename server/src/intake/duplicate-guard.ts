// Collapses repeated deliveries of one message to one account: a client that
// lost our 250 (timeout, crash between commit and reply: RFC 1047) sends the
// message again, and the second copy must not appear. Keyed by Message-ID and
// account within a window. The mail service has no lookup by Message-ID, so
// the guard keeps recent deliveries in memory and, the first time it meets an
// account after a start, reads the Message-IDs of that account's recent
// INBOX and Junk messages through the message service: a restart does not
// forget what was delivered just before it. On several nodes each node
// remembers its own deliveries (docs/smtp.md).
import { systemActor } from '../directory/access.ts';
import type { LocalTarget } from '../directory/api.ts';
import type { MailboxService, MessageService } from '../mail/api.ts';

const MAX_ENTRIES = 500_000;

/** "<a@b>" and "a@b" are the same id; case of the local part is kept (RFC 5322 §3.6.4). */
export function normaliseMessageId(raw: string | null): string | null {
  if (!raw) return null;
  const m = /<([^<>\s]+)>/.exec(raw) ?? /^\s*([^<>\s]+)\s*$/.exec(raw);
  return m ? m[1] : null;
}

function uidRanges(uids: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const uid of uids) {
    const last = out[out.length - 1];
    if (last && last[1] + 1 === uid) last[1] = uid;
    else out.push([uid, uid]);
  }
  return out;
}

export interface DuplicateClaim {
  /** Targets that have not received this message yet. */
  fresh: LocalTarget[];
  /** Call once delivery is over, with the accounts that got their copy. */
  release(deliveredAccountIds: readonly string[]): void;
}

export class DuplicateGuard {
  readonly #windowMs: number;
  readonly #mail: { mailboxes: MailboxService; messages: MessageService };
  readonly #now: () => number;
  /** key → time of delivery. */
  readonly #seen = new Map<string, number>();
  readonly #warm = new Map<string, Promise<void>>();
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(windowMs: number, mail: { mailboxes: MailboxService; messages: MessageService }, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#mail = mail;
    this.#now = now;
  }

  async claim(targets: readonly LocalTarget[], rawMessageId: string | null): Promise<DuplicateClaim> {
    const messageId = normaliseMessageId(rawMessageId);
    if (this.#windowMs === 0 || !messageId) return { fresh: [...targets], release: () => undefined };
    // Per owner, or per folder for an addressed public folder (several folders share one owner).
    const keys = targets.map((t) => `${t.mailboxId ?? t.accountId}\0${messageId}`);
    // The same message arriving on two connections at once: the second waits for the first.
    await Promise.all(keys.map((k) => this.#inFlight.get(k)));
    let unlock!: () => void;
    const lock = new Promise<void>((resolve) => { unlock = resolve; });
    for (const k of keys) this.#inFlight.set(k, lock);
    try {
      await Promise.all(targets.map((t) => this.#warmUp(t.accountId)));
    } catch (err) {
      for (const k of keys) this.#inFlight.delete(k);
      unlock();
      throw err;
    }
    const now = this.#now();
    const fresh = targets.filter((_, i) => {
      const at = this.#seen.get(keys[i]);
      return at === undefined || now - at > this.#windowMs;
    });
    return {
      fresh,
      release: (delivered) => {
        const at = this.#now();
        for (const id of delivered) this.#remember(`${id}\0${messageId}`, at);
        for (const k of keys) if (this.#inFlight.get(k) === lock) this.#inFlight.delete(k);
        unlock();
      },
    };
  }

  #remember(key: string, at: number): void {
    this.#seen.delete(key);
    this.#seen.set(key, at);
    // Oldest first in insertion order: drop expired entries, and the oldest beyond the cap.
    for (const [k, t] of this.#seen) {
      if (this.#seen.size <= MAX_ENTRIES && at - t <= this.#windowMs) break;
      this.#seen.delete(k);
    }
  }

  #warmUp(accountId: string): Promise<void> {
    let p = this.#warm.get(accountId);
    if (!p) {
      p = this.#scan(accountId);
      this.#warm.set(accountId, p);
      p.catch(() => this.#warm.delete(accountId));
    }
    return p;
  }

  async #scan(accountId: string): Promise<void> {
    const since = this.#now() - this.#windowMs;
    const { mailboxes, messages } = this.#mail;
    const server = systemActor();
    const boxes = (await mailboxes.list(server, accountId)).filter((m) => m.name === 'INBOX' || m.specialUse === '\\Junk');
    for (const box of boxes) {
      const uids = await messages.filter(server, box.id, { since: new Date(since).toISOString() });
      if (uids.length === 0) continue;
      for (const record of await messages.fetch(server, box.id, uidRanges(uids))) {
        const body = await messages.body(server, record).catch(() => null);
        const id = normaliseMessageId(body?.envelope.messageId ?? null);
        const at = Date.parse(record.internalDate);
        if (id && at >= since) this.#remember(`${accountId}\0${id}`, at);
      }
    }
  }
}
