// Pruning of the QRESYNC expunge log, run by housekeeping: entries older than
// `mail.expungeLogRetentionDays` go, and each mailbox records the highest
// modseq it pruned (its vanished horizon). A client resynchronising from
// before the horizon is then sent every UID the mailbox no longer has
// (docs/mail-store.md), so pruning never makes a resync wrong, only larger.
import type { StoaConfig } from '../config/types.ts';
import type { HousekeepingTask } from '../operations/housekeeping.ts';
import type { MessageStore } from '../store/mail-port.ts';

const DAY_MS = 86_400_000;

export function expungeLogPruneTask(
  deps: { config: Pick<StoaConfig, 'mail'>; messages: Pick<MessageStore, 'pruneExpungeLog'> },
  now: () => number = Date.now,
): HousekeepingTask {
  return {
    name: 'expungeLog',
    async run() {
      const before = new Date(now() - deps.config.mail.expungeLogRetentionDays * DAY_MS).toISOString();
      return (await deps.messages.pruneExpungeLog(before)).entries;
    },
  };
}
