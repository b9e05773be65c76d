// The MongoDB MessageStore (mirrors sqlite/mail-messages.ts).
import { StoaError } from '../../errors/catalogue.ts';
import { applyFlags, decodeFlags, encodeFlags, sameFlags } from '../../model/mail-flags.ts';
import { foldForSearch } from '../../model/mail-ids.ts';
import type { MessageList, MessageStore, StoreFlagsResult } from '../mail-port.ts';
import { uidSetHas } from '../../model/uid-set.ts';
import type { BodyDoc } from './mail-collections.ts';
import { changesSince, pruneExpungeLog } from './mail-expunge-log.ts';
import { appendMessages, copyMessages, deliverMessage, uidFilter } from './mail-message-writes.ts';
import { bumpModseq, mailCollections, removeCopies, requireMailboxDoc, toMessage } from './mail-rows.ts';
import { keywordsInUse, selectMailbox } from './mail-selection.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createMessageStore(ctx: MongoCtx): MessageStore {
  const tx = <T>(fn: (t: MongoCtx) => Promise<T>) => guard(ctx, () => inTransaction(ctx, fn));
  const read = <T>(fn: () => Promise<T>) => guard(ctx, fn);
  const c = mailCollections(ctx);

  return {
    append: (mailboxId, items, now) => tx((t) => appendMessages(t, mailboxId, items, now)),
    deliver: (targets, item, now) => tx((t) => deliverMessage(t, targets, item, now)),
    copy: (from, uids, to, now) => tx((t) => copyMessages(t, from, uids, to, now, false)),
    move: (from, uids, to, now) => tx((t) => copyMessages(t, from, uids, to, now, true)),

    list: (mailboxId, uids) => read(async (): Promise<MessageList> => {
      await requireMailboxDoc(ctx, mailboxId);
      const docs = uids !== undefined && uids.length === 0 ? [] : await c.messages.find(uids ? uidFilter(mailboxId, uids) : { mailboxId }, { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { uid: 1, modseq: 1, flags: 1, keywords: 1, size: 1 } }).toArray();
      const n = docs.length;
      const list: MessageList = { uids: new Uint32Array(n), modseqs: new Float64Array(n), systemFlags: new Uint8Array(n), keywords: new Map(), sizes: new Float64Array(n) };
      docs.forEach((d, i) => {
        list.uids[i] = d.uid;
        list.modseqs[i] = d.modseq;
        list.systemFlags[i] = d.flags;
        list.sizes[i] = d.size;
        if (d.keywords) list.keywords.set(d.uid, d.keywords);
      });
      return list;
    }),

    selection: (mailboxId) => read(() => selectMailbox(ctx, mailboxId)),
    keywordsInUse: (mailboxId) => read(() => keywordsInUse(ctx, mailboxId)),

    fetch: (mailboxId, uids) => read(async () => {
      if (uids.length === 0) return [];
      const docs = await c.messages.find(uidFilter(mailboxId, uids), { ...sessionOpts(ctx), sort: { uid: 1 } }).toArray();
      if (docs.length === 0) return [];
      // The POP3 size lives with the body, read for the distinct bodies only.
      const bodies = await c.bodies.find(
        { _id: { $in: [...new Set(docs.map((d) => d.blobId))] } }, { ...sessionOpts(ctx), projection: { wireSize: 1 } },
      ).toArray();
      const wireSizes = new Map(bodies.map((b) => [b._id, b.wireSize ?? null]));
      return docs.map((d) => toMessage(d, wireSizes.get(d.blobId) ?? null));
    }),

    storeFlags: (mailboxId, uids, request) => tx(async (t): Promise<StoreFlagsResult> => {
      const m = mailCollections(t);
      const mailbox = await requireMailboxDoc(t, mailboxId);
      const change = encodeFlags(request.flags);
      const result: StoreFlagsResult = { modseq: mailbox.highestModSeq, changed: [], failed: [] };
      if (uids.length === 0) return result;
      let modseq = 0;
      for (const doc of await m.messages.find(uidFilter(mailboxId, uids), { ...sessionOpts(t), sort: { uid: 1 } }).toArray()) {
        // RFC 7162 §3.1.3 UNCHANGEDSINCE.
        if (request.unchangedSince !== undefined && doc.modseq > request.unchangedSince) {
          result.failed.push(doc.uid);
          continue;
        }
        const current = { bits: doc.flags, keywords: doc.keywords ?? [] };
        const next = applyFlags(current, request.mode, change);
        if (sameFlags(current, next)) continue;
        if (modseq === 0) modseq = await bumpModseq(t, mailboxId);
        await m.messages.updateOne({ _id: doc._id }, { $set: { flags: next.bits, keywords: next.keywords.length ? next.keywords : null, modseq } }, sessionOpts(t));
        result.changed.push({ uid: doc.uid, modseq, flags: decodeFlags(next.bits, next.keywords) });
      }
      if (modseq !== 0) result.modseq = modseq;
      return result;
    }),

    expunge: (mailboxId, uids) => tx(async (t) => {
      const mailbox = await requireMailboxDoc(t, mailboxId);
      const filter = { ...(uids ? uidFilter(mailboxId, uids) : { mailboxId }), flags: { $bitsAllSet: 8 } };
      if (uids && uids.length === 0) return { uids: [], modseq: mailbox.highestModSeq };
      const docs = await mailCollections(t).messages.find(filter, { ...sessionOpts(t), sort: { uid: 1 }, projection: { uid: 1 } }).toArray();
      if (docs.length === 0) return { uids: [], modseq: mailbox.highestModSeq };
      const modseq = await bumpModseq(t, mailboxId);
      const expunged = docs.map((d) => d.uid);
      await removeCopies(t, mailbox, expunged, modseq);
      return { uids: expunged, modseq };
    }),

    changesSince: (mailboxId, modseq, options) => read(() => changesSince(ctx, mailboxId, modseq, options)),
    pruneExpungeLog: (before) => read(() => pruneExpungeLog(ctx, before)),

    filter: (mailboxId, f) => read(async () => {
      const withFlags = encodeFlags(f.withFlags ?? []);
      const withoutFlags = encodeFlags(f.withoutFlags ?? []);
      const q: Record<string, unknown> = { mailboxId };
      const and: object[] = [];
      if (withFlags.bits) and.push({ flags: { $bitsAllSet: withFlags.bits } });
      if (withoutFlags.bits) and.push({ flags: { $bitsAllClear: withoutFlags.bits } });
      if (f.larger !== undefined) and.push({ size: { $gt: f.larger } });
      if (f.smaller !== undefined) and.push({ size: { $lt: f.smaller } });
      if (f.since !== undefined) and.push({ internalDate: { $gte: new Date(f.since) } });
      if (f.before !== undefined) and.push({ internalDate: { $lt: new Date(f.before) } });
      if (f.modseqAbove !== undefined) and.push({ modseq: { $gt: f.modseqAbove } });
      if (f.savedSince !== undefined) and.push({ saveDate: { $gte: new Date(f.savedSince) } });
      if (f.savedBefore !== undefined) and.push({ saveDate: { $lt: new Date(f.savedBefore) } });
      if (f.emailId !== undefined) and.push({ emailId: f.emailId });
      if (f.threadId !== undefined) and.push({ threadId: f.threadId });
      if (f.uids !== undefined && f.uids.length === 0) return [];
      if (and.length) q.$and = and;
      const want = withFlags.keywords.map((k) => k.toLowerCase());
      const avoid = withoutFlags.keywords.map((k) => k.toLowerCase());
      const docs = await c.messages.find(q, { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { uid: 1, keywords: 1 } }).toArray();
      return docs.filter((d) => {
        if (f.uids !== undefined && !uidSetHas(f.uids, d.uid)) return false;
        const have = new Set((d.keywords ?? []).map((k) => k.toLowerCase()));
        return want.every((k) => have.has(k)) && !avoid.some((k) => have.has(k));
      }).map((d) => d.uid);
    }),

    // The text index is word-based; IMAP wants substrings (RFC 9051 §6.4.4),
    // so the mailbox's bodies are matched by regex on their folded text.
    searchText: (mailboxId, text) => read(async () => {
      const copies = await c.messages.find({ mailboxId }, { ...sessionOpts(ctx), projection: { uid: 1, blobId: 1 } }).toArray();
      const blobIds = [...new Set(copies.map((d) => d.blobId))];
      const hits = new Set<string>();
      for (let i = 0; i < blobIds.length; i += 10_000) {
        const docs = await c.bodies.find(
          { _id: { $in: blobIds.slice(i, i + 10_000) }, searchText: { $regex: escapeRegex(foldForSearch(text)) } },
          { ...sessionOpts(ctx), projection: { _id: 1 } },
        ).toArray();
        for (const d of docs) hits.add(d._id);
      }
      return copies.filter((d) => hits.has(d.blobId)).map((d) => d.uid).sort((a, b) => a - b);
    }),

    summaries: (mailboxId, uids, options) => read(async () => {
      if (uids.length === 0) return [];
      // Many ranges (a scattered candidate set): one scan of the mailbox beats a huge $or.
      const q = uids.length <= 32 ? uidFilter(mailboxId, uids) : { mailboxId };
      const copies = (await c.messages.find(q, { ...sessionOpts(ctx), sort: { uid: 1 }, projection: { uid: 1, blobId: 1, size: 1, internalDate: 1 } }).toArray())
        .filter((d) => uidSetHas(uids, d.uid));
      const envelope = options?.envelope === true;
      const bodies = new Map<string, { headers: BodyDoc['headers']; envelope: BodyDoc['envelope'] | null }>();
      const blobIds = [...new Set(copies.map((d) => d.blobId))];
      for (let i = 0; i < blobIds.length; i += 10_000) {
        const docs = await c.bodies.find(
          { _id: { $in: blobIds.slice(i, i + 10_000) } },
          { ...sessionOpts(ctx), projection: { headers: 1, ...(envelope ? { envelope: 1 } : {}) } },
        ).toArray();
        for (const d of docs) bodies.set(d._id, { headers: d.headers, envelope: envelope ? d.envelope : null });
      }
      return copies.flatMap((d) => {
        const b = bodies.get(d.blobId);
        return b ? [{ uid: d.uid, blobId: d.blobId, size: d.size, internalDate: d.internalDate.toISOString(), ...b }] : [];
      });
    }),

    body: (blobId) => read(async () => {
      const doc = await c.bodies.findOne({ _id: blobId }, { ...sessionOpts(ctx), projection: { searchText: 0 } });
      return doc ? { blobId: doc._id, size: doc.size, envelope: doc.envelope, root: doc.root, headers: doc.headers, hasAttachments: doc.hasAttachments } : null;
    }),

    status: (mailboxId) => read(async () => {
      const mailbox = await requireMailboxDoc(ctx, mailboxId);
      const recentUid = mailbox.recentUid ?? mailbox.uidNext;
      const [agg] = await c.messages.aggregate<{ n: number; unseen: number; deleted: number; size: number; recent: number }>([
        { $match: { mailboxId } },
        { $group: {
          _id: null, n: { $sum: 1 }, size: { $sum: '$size' },
          unseen: { $sum: { $cond: [{ $eq: [{ $mod: ['$flags', 2] }, 0] }, 1, 0] } },
          deleted: { $sum: { $cond: [{ $gte: [{ $mod: ['$flags', 16] }, 8] }, 1, 0] } },
          recent: { $sum: { $cond: [{ $gte: ['$uid', recentUid] }, 1, 0] } },
        } },
      ], sessionOpts(ctx)).toArray();
      if (agg && typeof agg.n !== 'number') throw new StoaError('STOA_INTERNAL', 'status aggregate is malformed');
      return {
        messages: agg?.n ?? 0, unseen: agg?.unseen ?? 0, deleted: agg?.deleted ?? 0, size: agg?.size ?? 0, recent: agg?.recent ?? 0,
        uidNext: mailbox.uidNext, uidValidity: mailbox.uidValidity, highestModSeq: mailbox.highestModSeq,
      };
    }),

    usage: (accountId) => read(async () => {
      const doc = await c.usage.findOne({ _id: accountId }, sessionOpts(ctx));
      return { bytes: doc?.bytes ?? 0, messages: doc?.messages ?? 0 };
    }),

    usageOf: (accountIds) => read(async () => {
      const docs = await c.usage.find({ _id: { $in: [...accountIds] } }, sessionOpts(ctx)).toArray();
      return new Map(docs.map((d) => [String(d._id), { bytes: d.bytes ?? 0, messages: d.messages ?? 0 }]));
    }),

    usageByDomain: () => read(async () => {
      const rows = await c.usage.aggregate<{ _id: string; accounts: number; bytes: number; messages: number }>([
        { $lookup: { from: 'accounts', localField: '_id', foreignField: '_id', as: 'account' } },
        { $unwind: '$account' },
        { $match: { 'account.domainId': { $ne: null } } },
        { $group: { _id: '$account.domainId', accounts: { $sum: 1 }, bytes: { $sum: '$bytes' }, messages: { $sum: '$messages' } } },
      ], sessionOpts(ctx)).toArray();
      return rows.map((r) => ({ domainId: r._id, accounts: r.accounts, bytes: r.bytes, messages: r.messages }));
    }),
  };
}
