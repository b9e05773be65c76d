// The QRESYNC side of the SQLite message store: changesSince, answered from
// the expunge log above the mailbox's vanished horizon and from the UID gaps
// below it, and the pruning that moves the horizon (docs/mail-store.md).
import type { Changes, ChangesOptions, ExpungeLogPruneResult } from '../mail-port.ts';
import { decodeFlags } from '../../model/mail-flags.ts';
import { intersectUidSets, missingUids, uidSetOf } from '../../model/uid-set.ts';
import { parseKeywords, requireMailbox } from './mail-rows.ts';
import type { Executor } from './sqlite-executor.ts';
import type { SqliteConnection } from './sqlite-connection.ts';

/** Log entries deleted per write unit: a large mailbox's prune never holds the write lock for long. */
const PRUNE_BATCH = 5000;

function parseUids(list: unknown): number[] {
  return typeof list === 'string' && list.length > 0 ? list.split(',').map(Number) : [];
}

/**
 * Reads run outside a transaction (each statement its own snapshot), so the
 * order matters: the log is read before the horizon. A prune raises the
 * horizon before it deletes, so entries missing from the log read imply a
 * horizon (read after) above them, and the answer falls back to the gaps.
 */
export function changesSince(c: SqliteConnection, mailboxId: string, modseq: number, options: ChangesOptions = {}): Changes {
  const mailbox = requireMailbox(c, mailboxId);
  const changed = c.all('SELECT uid, modseq, flags, keywords FROM mail_messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid', mailboxId, modseq)
    .map((r) => ({ uid: Number(r.uid), modseq: Number(r.modseq), flags: decodeFlags(Number(r.flags), parseKeywords(r.keywords)) }));
  const logged = c.all('SELECT uid FROM mail_expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid', mailboxId, modseq).map((r) => Number(r.uid));
  const horizon = Number(c.get('SELECT vanished_horizon AS h FROM mailboxes WHERE id = ?', mailboxId)?.h ?? 0);
  let vanished;
  let vanishedExact = true;
  if (modseq >= horizon) {
    vanished = uidSetOf(logged);
  } else {
    // RFC 7162 §3.2.5.2: without the history, every UID no longer present may be reported.
    vanishedExact = false;
    const present = parseUids(c.get('SELECT group_concat(uid) AS uids FROM (SELECT uid FROM mail_messages WHERE mailbox_id = ? AND uid < ? ORDER BY uid)', mailboxId, mailbox.uidNext)?.uids);
    vanished = missingUids(present, mailbox.uidNext);
  }
  if (options.within) vanished = intersectUidSets(vanished, options.within);
  return { changed, vanished, vanishedExact, highestModSeq: mailbox.highestModSeq };
}

export async function pruneExpungeLog(x: Executor, before: string): Promise<ExpungeLogPruneResult> {
  const cutoff = Date.parse(before);
  const targets = await x.read((c) => c.all(
    'SELECT mailbox_id, max(modseq) AS modseq FROM mail_expunged WHERE expunged_at < ? GROUP BY mailbox_id', cutoff,
  ).map((r) => ({ mailboxId: String(r.mailbox_id), modseq: Number(r.modseq) })));
  const result: ExpungeLogPruneResult = { entries: 0, mailboxes: 0 };
  for (const target of targets) {
    // Raise the horizon first (with the first batch): everything at or below it may then go, in any number of units.
    let first = true;
    for (;;) {
      const removed = await x.write((c) => {
        if (first) {
          const moved = c.run('UPDATE mailboxes SET vanished_horizon = ? WHERE id = ? AND vanished_horizon < ?', target.modseq, target.mailboxId, target.modseq);
          if (moved > 0) result.mailboxes++;
        }
        return c.run(
          `DELETE FROM mail_expunged WHERE mailbox_id = ? AND uid IN (
             SELECT uid FROM mail_expunged WHERE mailbox_id = ? AND modseq <= ? LIMIT ${PRUNE_BATCH})`,
          target.mailboxId, target.mailboxId, target.modseq,
        );
      });
      first = false;
      result.entries += removed;
      if (removed < PRUNE_BATCH) break;
    }
  }
  return result;
}
