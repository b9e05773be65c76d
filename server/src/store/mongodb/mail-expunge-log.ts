// The QRESYNC side of the MongoDB message store (mirrors
// sqlite/mail-expunge-log.ts): changesSince from the expunge log above the
// mailbox's vanished horizon and from the UID gaps below it, and the pruning
// that moves the horizon.
import { decodeFlags } from '../../model/mail-flags.ts';
import type { Changes, ChangesOptions, ExpungeLogPruneResult } from '../mail-port.ts';
import { intersectUidSets, missingUids, uidSetOf } from '../../model/uid-set.ts';
import { mailCollections, requireMailboxDoc } from './mail-rows.ts';
import { sessionOpts, type MongoCtx } from './mongo-context.ts';

/**
 * The reads are not one snapshot, so the horizon is read again after the
 * log: a prune raises it before deleting, so entries missing from the log
 * read imply a horizon above them in the second read, and the answer falls
 * back to the gaps.
 */
export async function changesSince(ctx: MongoCtx, mailboxId: string, modseq: number, options: ChangesOptions = {}): Promise<Changes> {
  const c = mailCollections(ctx);
  const mailbox = await requireMailboxDoc(ctx, mailboxId);
  const changed = (await c.messages.find({ mailboxId, modseq: { $gt: modseq } }, { ...sessionOpts(ctx), sort: { uid: 1 } }).toArray())
    .map((d) => ({ uid: d.uid, modseq: d.modseq, flags: decodeFlags(d.flags, d.keywords) }));
  const logged = (await c.expunged.find({ mailboxId, modseq: { $gt: modseq } }, { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { uid: 1 } }).toArray())
    .map((d) => d.uid);
  const horizon = (await c.mailboxes.findOne({ _id: mailboxId }, { ...sessionOpts(ctx), projection: { vanishedHorizon: 1 } }))?.vanishedHorizon ?? 0;
  let vanished;
  let vanishedExact = true;
  if (modseq >= horizon) {
    vanished = uidSetOf(logged);
  } else {
    // RFC 7162 §3.2.5.2: without the history, every UID no longer present may be reported.
    vanishedExact = false;
    const docs = await c.messages.find(
      { mailboxId, uid: { $lt: mailbox.uidNext } },
      { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { _id: 0, uid: 1 }, batchSize: 100_000 },
    ).toArray();
    vanished = missingUids(docs.map((d) => d.uid), mailbox.uidNext);
  }
  if (options.within) vanished = intersectUidSets(vanished, options.within);
  return { changed, vanished, vanishedExact, highestModSeq: mailbox.highestModSeq };
}

export async function pruneExpungeLog(ctx: MongoCtx, before: string): Promise<ExpungeLogPruneResult> {
  const c = mailCollections(ctx);
  const targets = await c.expunged.aggregate<{ _id: string; modseq: number }>([
    { $match: { expungedAt: { $lt: new Date(before) } } },
    { $group: { _id: '$mailboxId', modseq: { $max: '$modseq' } } },
  ], sessionOpts(ctx)).toArray();
  const result: ExpungeLogPruneResult = { entries: 0, mailboxes: 0 };
  for (const target of targets) {
    // The horizon first: from then on nothing at or below it is read from the log.
    const moved = await c.mailboxes.updateOne(
      { _id: target._id, $or: [{ vanishedHorizon: { $exists: false } }, { vanishedHorizon: { $lt: target.modseq } }] },
      { $set: { vanishedHorizon: target.modseq } }, sessionOpts(ctx),
    );
    if (moved.modifiedCount > 0) result.mailboxes++;
    result.entries += (await c.expunged.deleteMany({ mailboxId: target._id, modseq: { $lte: target.modseq } }, sessionOpts(ctx))).deletedCount;
  }
  return result;
}
