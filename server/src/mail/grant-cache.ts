// Who holds full access on a mailbox owner (a shared mailbox, or an account
// that delegated its mailbox), cached for the rights check that runs before
// every mail operation. The grant rows stay the only truth
// (directory/mailbox-grant-service.ts): an entry is dropped as soon as a
// 'mailbox' event for one of the owner's mailboxes arrives on the change bus
// (a grant given or taken away publishes one per mailbox, after commit), and
// a read that raced such an event is not kept. An entry also expires after
// MAX_AGE_MS, so a change made on another node (whose events this node's bus
// does not carry) takes effect within that time, as a login change does
// (directory/auth-service.ts LOGIN_RECHECK_MS). Group memberships are not
// cached here: the rights check reads them from current data.
import type { ChangeBus } from '../events/change-bus.ts';
import type { StoreTx } from '../store/port.ts';

const MAX_OWNERS = 10_000;
export const MAX_AGE_MS = 60_000;

interface Entry {
  /** Account and group ids holding full access. */
  grantees: ReadonlySet<string>;
  readAt: number;
}

export class FullAccessCache {
  readonly #store: Pick<StoreTx, 'mailboxGrants'>;
  readonly #bus: ChangeBus | undefined;
  readonly #entries = new Map<string, Entry>();
  /** One bus subscription per cached owner, dropped with the entry. */
  readonly #watches = new Map<string, () => void>();
  /** Bumped by every event of a watched owner: a read that started before one may be stale and is not kept. */
  #epoch = 0;

  readonly #now: () => number;

  constructor(store: Pick<StoreTx, 'mailboxGrants'>, bus: ChangeBus | undefined, now: () => number = Date.now) {
    this.#store = store;
    this.#bus = bus;
    this.#now = now;
  }

  async granteesOf(ownerId: string): Promise<ReadonlySet<string>> {
    const hit = this.#entries.get(ownerId);
    if (hit && this.#now() - hit.readAt < MAX_AGE_MS) return hit.grantees;
    // Without a bus nothing would tell us of a change: read every time.
    if (!this.#bus) return this.#read(ownerId);
    this.#watch(ownerId);
    const epoch = this.#epoch;
    const readAt = this.#now();
    const grantees = await this.#read(ownerId);
    if (this.#epoch === epoch && this.#watches.has(ownerId)) {
      this.#entries.delete(ownerId);
      if (this.#entries.size >= MAX_OWNERS) this.#forget(this.#entries.keys().next().value!);
      this.#entries.set(ownerId, { grantees, readAt });
    }
    return grantees;
  }

  async #read(ownerId: string): Promise<ReadonlySet<string>> {
    const grants = await this.#store.mailboxGrants.forOwner(ownerId);
    return new Set(grants.filter((g) => g.right === 'full-access').map((g) => g.granteeId));
  }

  #watch(ownerId: string): void {
    if (this.#watches.has(ownerId)) return;
    if (this.#watches.size >= MAX_OWNERS) this.#forget(this.#watches.keys().next().value!);
    this.#watches.set(ownerId, this.#bus!.subscribe({ accountId: ownerId }, (event) => {
      if (event.kind !== 'mailbox') return;
      this.#epoch++;
      this.#entries.delete(ownerId);
    }));
  }

  #forget(ownerId: string): void {
    this.#entries.delete(ownerId);
    this.#watches.get(ownerId)?.();
    this.#watches.delete(ownerId);
  }
}
