// The SELECT read on MongoDB (MailboxSelection; mirrors sqlite/mail-selection.ts):
// UIDs from a query covered by the (mailboxId, uid) index, the unseen count
// and first unseen UID from two index-ordered reads, and the keywords in use
// from the partial (mailboxId, keywords) index over messages that have any.
import type { IndexDescription } from 'mongodb';
import type { MailboxSelection } from '../mail-port.ts';
import { mailCollections, requireMailboxDoc, toMailbox } from './mail-rows.ts';
import { sessionOpts, type MongoCtx } from './mongo-context.ts';

/** Partial index behind the keywords read (migration 7). */
export const KEYWORDS_INDEX: IndexDescription = { key: { mailboxId: 1, keywords: 1 }, name: 'mailbox_keywords', partialFilterExpression: { keywords: { $type: 'array' } } };

/** Distinct keywords of the mailbox's messages (case-insensitively distinct), sorted. */
export async function keywordsInUse(ctx: MongoCtx, mailboxId: string): Promise<string[]> {
  const raw = await mailCollections(ctx).messages.distinct('keywords', { mailboxId, keywords: { $type: 'array' } }, sessionOpts(ctx));
  const keywords = new Map<string, string>();
  for (const k of raw as unknown[]) if (typeof k === 'string' && !keywords.has(k.toLowerCase())) keywords.set(k.toLowerCase(), k);
  return [...keywords.values()].sort();
}

export async function selectMailbox(ctx: MongoCtx, mailboxId: string): Promise<MailboxSelection> {
  const c = mailCollections(ctx);
  const mailbox = await toMailbox(ctx, await requireMailboxDoc(ctx, mailboxId));
  const unseenFilter = { mailboxId, flags: { $bitsAllClear: 1 } };
  const [docs, unseen, first, keywords] = await Promise.all([
    // Covered: the projection holds only indexed fields and drops _id.
    c.messages.find({ mailboxId }, { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { _id: 0, uid: 1 }, batchSize: 100_000 }).toArray(),
    c.messages.countDocuments(unseenFilter, sessionOpts(ctx)),
    c.messages.findOne(unseenFilter, { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { _id: 0, uid: 1 } }),
    c.messages.distinct('keywords', { mailboxId, keywords: { $type: 'array' } }, sessionOpts(ctx)),
  ]);
  const uids = new Uint32Array(docs.length);
  for (let i = 0; i < docs.length; i++) uids[i] = docs[i].uid;
  return {
    mailbox, uids, unseen, firstUnseenUid: first?.uid ?? 0,
    keywords: (keywords as unknown[]).filter((k): k is string => typeof k === 'string').sort(),
  };
}
