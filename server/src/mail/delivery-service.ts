// Local delivery (the MDA behind SMTP): one blob, one parsed body, and one
// transaction that registers the blob and links it into every accepted
// recipient's mailbox: one commit per message. SMTP
// answers 250 for a recipient only once this has resolved with 'delivered'
// (DESIGN.md "Durability": blob fsynced, transaction committed).
import { systemActor } from '../directory/access.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Delivered, DeliveryTarget, Mailbox } from '../model/mail.ts';
import type { Store, StoreTx } from '../store/port.ts';
import type { DeliveryService, MailboxService, RecipientOutcome } from './api.ts';
import { isSystem } from './mail-access.ts';
import { normaliseMailboxName } from './mailbox-name.ts';
import { takeIn } from './message-intake.ts';
import { DEFAULT_MAIL_LIMITS, keywordsOf, keywordsWithinLimit, type MailLimits } from './mail-limits.ts';
import { assertQuota } from './quota.ts';

export interface DeliveryServiceDeps {
  store: Store;
  bus: ChangeBus;
  mailboxes: Pick<MailboxService, 'ensureDefaultMailboxes' | 'create'>;
  now?: () => string;
  limits?: MailLimits;
}

/** Where a copy goes: INBOX, the account's \\Junk mailbox, a mailbox by name (Sieve fileinto), or one by id. */
type Want = 'INBOX' | 'Junk' | { name: string; create?: boolean } | { id: string };

function wantKey(want: Want): string {
  return typeof want === 'string' ? want : 'id' in want ? `id:${want.id}` : `name:${want.name}`;
}

/** Whether a mailbox (still) is what `want` asks for: the transaction checks cached targets with this. */
function matches(mailbox: Mailbox, want: Want): boolean {
  if (want === 'INBOX') return mailbox.name === 'INBOX';
  if (want === 'Junk') return mailbox.specialUse === '\\Junk' || mailbox.name === 'INBOX';
  if ('id' in want) return mailbox.id === want.id;
  return mailbox.name === normaliseMailboxName(want.name);
}

function pick(mailboxes: readonly Mailbox[], want: 'INBOX' | 'Junk'): Mailbox | undefined {
  const junk = want === 'Junk' ? mailboxes.find((m) => m.specialUse === '\\Junk') : undefined;
  return junk ?? mailboxes.find((m) => m.name === 'INBOX');
}

/**
 * How long a delivery target found by listing the account's mailboxes is
 * reused. Each use is checked against the mailbox row inside the delivery
 * transaction (StaleTarget), so a mailbox deleted, renamed or unmarked since
 * never gets the copy; the TTL only bounds how long the \Junk mark moved from
 * one existing mailbox to another goes unnoticed.
 */
const TARGET_TTL_MS = 10_000;
const TARGET_CACHE_MAX = 10_000;

/** A cached target that the delivery transaction found gone or changed: look up again. */
class StaleTarget extends Error {}

class TargetCache {
  readonly #entries = new Map<string, { mailbox: Mailbox; expires: number }>();

  get(key: string): Mailbox | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.mailbox;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, mailbox: Mailbox): void {
    this.#entries.delete(key);
    // Oldest first: Map keeps insertion order.
    if (this.#entries.size >= TARGET_CACHE_MAX) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { mailbox, expires: Date.now() + TARGET_TTL_MS });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

async function targetFor(store: Store, mailboxes: DeliveryServiceDeps['mailboxes'], accountId: string, want: Want): Promise<Mailbox> {
  if (typeof want !== 'string' && 'id' in want) {
    // A mailbox named by id belongs to this owner or takes nothing: no fallback into another folder.
    const mailbox = await store.mailboxes.get(want.id);
    if (!mailbox || mailbox.accountId !== accountId) throw new StoaError('STOA_RECIPIENT_UNKNOWN', `mailbox ${want.id} no longer exists`);
    return mailbox;
  }
  if (typeof want !== 'string') {
    // RFC 5228 §4.1 / RFC 5490 §3.2: fileinto a mailbox, created when asked; if it cannot take the
    // message (no such mailbox, an invalid name) the copy goes to INBOX: a rule never loses mail.
    try {
      const name = normaliseMailboxName(want.name);
      const existing = await store.mailboxes.getByName(accountId, name);
      if (existing) return existing;
      if (want.create) {
        try {
          return await mailboxes.create(systemActor(), accountId, name);
        } catch (err) {
          if (!isStoaError(err, 'STOA_MAILBOX_EXISTS')) throw err;
          const raced = await store.mailboxes.getByName(accountId, name);
          if (raced) return raced;
        }
      }
    } catch (err) {
      if (!isStoaError(err)) throw err;
    }
    return targetFor(store, mailboxes, accountId, 'INBOX');
  }
  let found = pick(await store.mailboxes.list(accountId), want);
  // An account created before its mailboxes (or by an import) still receives mail.
  found ??= pick(await mailboxes.ensureDefaultMailboxes(systemActor(), accountId), want);
  if (!found) throw new StoaError('STOA_INTERNAL', `account ${accountId} has no INBOX`);
  return found;
}

function asStoaError(err: unknown): StoaError {
  return isStoaError(err) ? err : new StoaError('STOA_INTERNAL', String(err), { cause: err });
}

export function createDeliveryService({ store, bus, mailboxes, now = () => new Date().toISOString(), limits = DEFAULT_MAIL_LIMITS }: DeliveryServiceDeps): DeliveryService {
  const cache = new TargetCache();

  return {
    async deliver(actor, body, recipients, options = {}) {
      // Users put mail into mailboxes through APPEND; delivery is the intake service's, acting as the server.
      if (!isSystem(actor)) throw new StoaError('STOA_FORBIDDEN', 'only the server delivers mail');
      if (recipients.length === 0) throw new StoaError('STOA_VALIDATION', 'no recipients');
      const { blobId, blob, index } = await takeIn(store.blobs, body);
      const at = now();

      // One outcome per distinct recipient; one copy per distinct mailbox.
      // `fresh`: bypass the cache (after the transaction found a cached target stale).
      const resolve = async (fresh: boolean) => {
        const wanted = new Map<string, { accountId: string; mailbox?: Mailbox; error?: StoaError; flags?: readonly string[] }>();
        const cached: Array<{ key: string; want: Want; mailbox: Mailbox }> = [];
        for (const r of recipients) {
          const want = r.mailbox ?? 'INBOX';
          const key = `${r.accountId}\0${wantKey(want)}`;
          if (wanted.has(key)) continue;
          const hit = fresh ? undefined : cache.get(key);
          if (hit) {
            wanted.set(key, { accountId: r.accountId, mailbox: hit, flags: r.flags });
            cached.push({ key, want, mailbox: hit });
            continue;
          }
          try {
            const mailbox = await targetFor(store, mailboxes, r.accountId, want);
            // The INBOX that stands in for a missing Junk or an unusable named mailbox is not kept: one made later is used at once.
            if (matches(mailbox, want) && (want !== 'Junk' || mailbox.specialUse === '\\Junk')) cache.set(key, mailbox);
            wanted.set(key, { accountId: r.accountId, mailbox, flags: r.flags });
          } catch (err) {
            wanted.set(key, { accountId: r.accountId, error: asStoaError(err) });
          }
        }
        return { wanted, cached };
      };

      let { wanted, cached } = await resolve(false);
      let result: { delivered: Delivered[]; refused: Map<string, StoaError> };
      for (;;) {
        const targets = new Map<string, { mailbox: Mailbox; flags?: readonly string[] }>();
        for (const w of wanted.values()) if (w.mailbox && !targets.has(w.mailbox.id)) targets.set(w.mailbox.id, { mailbox: w.mailbox, flags: w.flags });
        const check = cached;
        try {
          result = await store.atomic(async (tx: StoreTx) => {
            // Cached targets are checked against their rows in this transaction:
            // a mailbox deleted, renamed or unmarked since must not get the copy.
            for (const c of check) {
              const current = await tx.mailboxes.get(c.mailbox.id);
              if (!current || current.accountId !== c.mailbox.accountId || !matches(current, c.want)) throw new StaleTarget();
            }
            await tx.blobRefs.register(blob);
            const refused = new Map<string, StoaError>();
            const copies = new Map<string, number>();
            for (const { mailbox: m } of targets.values()) copies.set(m.accountId, (copies.get(m.accountId) ?? 0) + 1);
            for (const [accountId, n] of copies) {
              try {
                await assertQuota(tx, accountId, Array.from({ length: n }, () => index.size));
              } catch (err) {
                if (!isStoaError(err)) throw err;
                refused.set(accountId, err);
              }
            }
            const accepted: DeliveryTarget[] = [];
            for (const t of targets.values()) {
              if (refused.has(t.mailbox.accountId)) continue;
              const flags = t.flags ?? options.flags ?? [];
              // Keywords (Sieve imap4flags) past the mailbox's limits are dropped, never the message.
              if (keywordsOf(flags).length > 0) {
                accepted.push({ mailboxId: t.mailbox.id, flags: keywordsWithinLimit(await tx.messages.keywordsInUse(t.mailbox.id), flags, limits) });
              } else accepted.push(t.flags ? { mailboxId: t.mailbox.id, flags: t.flags } : { mailboxId: t.mailbox.id });
            }
            const delivered: Delivered[] = accepted.length === 0
              ? []
              : await tx.messages.deliver(accepted, { blobId, index, flags: options.flags ?? [], internalDate: options.internalDate ?? at }, at);
            // The body row holds the search text now, and nothing reads the index after this unit (a StaleTarget
            // retry starts before it): the text, as long as the body, need not live on through the commit's fsync.
            if (delivered.length > 0) index.searchText = '';
            return { delivered, refused };
          });
          break;
        } catch (err) {
          if (!(err instanceof StaleTarget)) throw err;
          // Nothing was written (the transaction rolled back): look every target up again.
          for (const c of check) cache.delete(c.key);
          ({ wanted, cached } = await resolve(true));
        }
      }
      const { delivered, refused } = result;

      const byMailbox = new Map(delivered.map((d) => [d.mailboxId, d]));
      for (const d of delivered) bus.publish({ accountId: d.accountId, mailboxId: d.mailboxId, kind: 'exists', uids: [d.uid], modseq: d.modseq });
      // One outcome per recipient entry, in order (entries asking for the same copy share it).
      const outcomeOf = new Map([...wanted].map(([key, w]): [string, RecipientOutcome] => {
        const error = w.error ?? refused.get(w.accountId);
        const d = w.mailbox ? byMailbox.get(w.mailbox.id) : undefined;
        if (error || !d) return [key, { accountId: w.accountId, status: 'failed', error: error ?? new StoaError('STOA_INTERNAL', 'not delivered') }];
        return [key, { accountId: w.accountId, status: 'delivered', mailboxId: d.mailboxId, uid: d.uid }];
      }));
      return recipients.map((r) => outcomeOf.get(`${r.accountId}\0${wantKey(r.mailbox ?? 'INBOX')}`)!);
    },
  };
}
