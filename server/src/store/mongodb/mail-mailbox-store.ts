// Mailboxes, ACLs and subscriptions on MongoDB (mirrors sqlite/mail-mailboxes.ts).
import { StoaError } from '../../errors/catalogue.ts';
import type { MailboxStore } from '../mail-port.ts';
import { isDuplicateKey } from './errors.ts';
import { pairKey } from './mail-collections.ts';
import { bumpModseq, mailCollections, nextUidValidity, removeCopies, requireMailboxDoc, toMailbox } from './mail-rows.ts';
import { guard, inTransaction, sessionOpts, type MongoCtx } from './mongo-context.ts';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createMailboxStore(ctx: MongoCtx): MailboxStore {
  const tx = <T>(fn: (t: MongoCtx) => Promise<T>) => guard(ctx, () => inTransaction(ctx, fn));

  return {
    create: (input) => tx(async (t) => {
      const c = mailCollections(t);
      try {
        await c.mailboxes.insertOne({
          _id: input.id, accountId: input.accountId, name: input.name, specialUse: input.specialUse,
          uidValidity: await nextUidValidity(t), uidNext: 1, highestModSeq: 1, recentUid: 1, createdAt: input.createdAt, acl: [],
        }, sessionOpts(t));
      } catch (err) {
        if (isDuplicateKey(err)) throw new StoaError('STOA_CONFLICT', `mailbox ${input.name} already exists`, { cause: err });
        throw err;
      }
      if (input.subscribe) {
        await c.subscriptions.updateOne({ _id: pairKey(input.accountId, input.name) }, { $set: { accountId: input.accountId, name: input.name } }, { ...sessionOpts(t), upsert: true });
      }
      return toMailbox(t, await requireMailboxDoc(t, input.id));
    }),

    get: (id) => guard(ctx, async () => {
      const doc = await mailCollections(ctx).mailboxes.findOne({ _id: id }, sessionOpts(ctx));
      return doc ? toMailbox(ctx, doc) : null;
    }),

    claimRecent: (id, throughUid) => guard(ctx, async () => {
      // One atomic $max: two sessions claiming at once get disjoint ranges.
      const before = await mailCollections(ctx).mailboxes.findOneAndUpdate(
        { _id: id }, { $max: { recentUid: throughUid + 1 } }, { ...sessionOpts(ctx), returnDocument: 'before' },
      );
      if (!before) throw new StoaError('STOA_NOT_FOUND', `mailbox ${id}`);
      return before.recentUid ?? before.uidNext;
    }),

    getByName: (accountId, name) => guard(ctx, async () => {
      const doc = await mailCollections(ctx).mailboxes.findOne({ accountId, name }, sessionOpts(ctx));
      return doc ? toMailbox(ctx, doc) : null;
    }),

    list: (accountId) => guard(ctx, async () => {
      const docs = await mailCollections(ctx).mailboxes.find({ accountId }, { ...sessionOpts(ctx), sort: { name: 1 } }).toArray();
      return Promise.all(docs.map((d) => toMailbox(ctx, d)));
    }),

    rename: (id, newName) => tx(async (t) => {
      const c = mailCollections(t);
      const mailbox = await requireMailboxDoc(t, id);
      const oldName = mailbox.name;
      const family = await c.mailboxes.find(
        { accountId: mailbox.accountId, $or: [{ name: oldName }, { name: { $regex: `^${escapeRegex(oldName)}/` } }] },
        sessionOpts(t),
      ).toArray();
      for (const doc of family) {
        const renamed = newName + doc.name.slice(oldName.length);
        try {
          await c.mailboxes.updateOne({ _id: doc._id }, { $set: { name: renamed } }, sessionOpts(t));
        } catch (err) {
          if (isDuplicateKey(err)) throw new StoaError('STOA_CONFLICT', `mailbox ${renamed} already exists`, { cause: err });
          throw err;
        }
        const sub = await c.subscriptions.findOneAndDelete({ _id: pairKey(mailbox.accountId, doc.name) }, sessionOpts(t));
        if (sub) await c.subscriptions.updateOne({ _id: pairKey(mailbox.accountId, renamed) }, { $set: { accountId: mailbox.accountId, name: renamed } }, { ...sessionOpts(t), upsert: true });
      }
      return toMailbox(t, await requireMailboxDoc(t, id));
    }),

    setSpecialUse: (id, specialUse) => tx(async (t) => {
      const r = await mailCollections(t).mailboxes.updateOne({ _id: id }, { $set: { specialUse } }, sessionOpts(t));
      if (r.matchedCount === 0) throw new StoaError('STOA_NOT_FOUND', `mailbox ${id}`);
      return toMailbox(t, await requireMailboxDoc(t, id));
    }),

    delete: (id) => tx(async (t) => {
      const c = mailCollections(t);
      const mailbox = await requireMailboxDoc(t, id);
      const docs = await c.messages.find({ mailboxId: id }, { ...sessionOpts(t), projection: { uid: 1, size: 1 } }).toArray();
      if (docs.length > 0) await removeCopies(t, mailbox, docs.map((d) => d.uid), await bumpModseq(t, id));
      await c.expunged.deleteMany({ mailboxId: id }, sessionOpts(t));
      await c.mailboxes.deleteOne({ _id: id }, sessionOpts(t));
      return { messages: docs.length, bytes: docs.reduce((n, d) => n + d.size, 0) };
    }),

    setAcl: (mailboxId, identifier, rights) => tx(async (t) => {
      const c = mailCollections(t);
      await requireMailboxDoc(t, mailboxId);
      await c.mailboxes.updateOne({ _id: mailboxId }, { $pull: { acl: { identifier } } }, sessionOpts(t));
      if (rights) await c.mailboxes.updateOne({ _id: mailboxId }, { $push: { acl: { identifier, rights } } }, sessionOpts(t));
    }),

    getAcl: (mailboxId) => guard(ctx, async () => {
      const doc = await mailCollections(ctx).mailboxes.findOne({ _id: mailboxId }, { ...sessionOpts(ctx), projection: { acl: 1 } });
      return [...(doc?.acl ?? [])].sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
    }),

    sharedWith: (identifiers) => guard(ctx, async () => {
      if (identifiers.length === 0) return [];
      const wanted = new Set(identifiers);
      const docs = await mailCollections(ctx).mailboxes.find({ 'acl.identifier': { $in: [...identifiers] } }, { ...sessionOpts(ctx), sort: { accountId: 1, name: 1 } }).toArray();
      const out = [];
      for (const doc of docs) {
        const mailbox = await toMailbox(ctx, doc);
        for (const entry of doc.acl) if (wanted.has(entry.identifier)) out.push({ mailbox, identifier: entry.identifier, rights: entry.rights });
      }
      return out;
    }),

    subscribe: (accountId, name) => guard(ctx, async () => {
      await mailCollections(ctx).subscriptions.updateOne({ _id: pairKey(accountId, name) }, { $set: { accountId, name } }, { ...sessionOpts(ctx), upsert: true });
    }),
    unsubscribe: (accountId, name) => guard(ctx, async () => {
      await mailCollections(ctx).subscriptions.deleteOne({ _id: pairKey(accountId, name) }, sessionOpts(ctx));
    }),
    subscriptions: (accountId) => guard(ctx, async () => (await mailCollections(ctx).subscriptions
      .find({ accountId }, { ...sessionOpts(ctx), sort: { name: 1 } }).toArray()).map((d) => d.name)),
  };
}
