// Training from users' own sorting (docs/filtering.md "Training"): a message
// a user moves or copies into their Junk folder is learned as spam, one taken
// out of Junk (to anywhere but Trash) as ham, in the user's own classifier
// scope. The mail services tell every committed COPY and MOVE
// (MessageTransfer); training runs behind them, one message at a time, so the
// IMAP reply never waits for it, and what is queued is bounded.
//
// Only the mailbox owner's own sorting trains: a delegate filing the owner's
// mail, or an admin acting on it, does not teach the owner's classifier.
import type { Logger } from '../log/logger.ts';
import type { MessageTransfer } from '../mail/api.ts';
import type { Store } from '../store/port.ts';
import type { Trainer } from './trainer.ts';

/** Messages waiting to be learned, over all transfers; beyond it new transfers are not trained (logged). */
export const MAX_PENDING_MESSAGES = 5000;
/** Messages learned from one transfer: a MOVE of a whole folder trains on its newest this many. */
export const MAX_MESSAGES_PER_TRANSFER = 1000;
/** Messages fetched from the store at a time. */
const FETCH_BATCH = 100;

export interface JunkTraining {
  /** Called by the mail services after each COPY or MOVE commits. */
  observe(transfer: MessageTransfer): void;
  /** Resolves when nothing is queued or in progress (tests, shutdown). */
  idle(): Promise<void>;
  /** Drops what is queued and waits for the message in progress; later transfers are ignored. */
  stop(): Promise<void>;
}

export interface JunkTrainingDeps {
  store: Pick<Store, 'mailboxes' | 'messages' | 'blobs'>;
  train: Trainer['train'];
  /** Bytes of a message the classifier reads (filter.maxScanBytes). */
  maxScanBytes: number;
  log: Logger;
}

function classOf(from: string | null, to: string | null): 'spam' | 'ham' | null {
  if (to === '\\Junk' && from !== '\\Junk') return 'spam';
  if (from === '\\Junk' && to !== '\\Junk' && to !== '\\Trash') return 'ham';
  return null;
}

async function readHead(store: JunkTrainingDeps['store'], blobId: string, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of await store.blobs.open(blobId, { start: 0, end: max })) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= max) break;
  }
  return Buffer.concat(chunks).subarray(0, max);
}

export function createJunkTraining(deps: JunkTrainingDeps): JunkTraining {
  const queue: MessageTransfer[] = [];
  let pending = 0;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function learn(transfer: MessageTransfer): Promise<void> {
    const [from, to] = await Promise.all([deps.store.mailboxes.get(transfer.fromMailboxId), deps.store.mailboxes.get(transfer.toMailboxId)]);
    if (!from || !to) return;
    const cls = classOf(from.specialUse, to.specialUse);
    if (!cls) return;
    const uids = transfer.destUids;
    let learned = 0;
    for (let i = 0; i < uids.length && !stopped; i += FETCH_BATCH) {
      const batch = uids.slice(i, i + FETCH_BATCH).map((u) => [u, u] as const);
      // Fetched now: a message expunged meanwhile is simply not there.
      for (const record of await deps.store.messages.fetch(to.id, batch)) {
        if (stopped) return;
        try {
          const raw = await readHead(deps.store, record.blobId, deps.maxScanBytes);
          await deps.train(transfer.actor, raw, cls);
          learned++;
        } catch (err) {
          deps.log.warn({ err, mailboxId: to.id, uid: record.uid }, 'junk training skipped a message');
        }
      }
    }
    deps.log.info({ accountId: transfer.ownerId, cls, learned, kind: transfer.kind }, 'learned from a move into or out of Junk');
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !stopped) {
      const transfer = queue.shift()!;
      try {
        await learn(transfer);
      } catch (err) {
        deps.log.warn({ err, accountId: transfer.ownerId }, 'junk training failed');
      } finally {
        pending -= transfer.destUids.length;
      }
    }
  }

  function kick(): void {
    if (running || stopped) return;
    running = drain().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    observe(transfer) {
      if (stopped || transfer.actor.id === null || transfer.actor.id !== transfer.ownerId) return;
      let destUids = transfer.destUids;
      if (destUids.length > MAX_MESSAGES_PER_TRANSFER) destUids = destUids.slice(-MAX_MESSAGES_PER_TRANSFER);
      if (pending + destUids.length > MAX_PENDING_MESSAGES) {
        deps.log.warn({ accountId: transfer.ownerId, messages: destUids.length, pending }, 'junk training backlog full: this transfer is not learned');
        return;
      }
      pending += destUids.length;
      queue.push({ ...transfer, destUids });
      kick();
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      queue.length = 0;
      pending = 0;
      await running;
    },
  };
}
