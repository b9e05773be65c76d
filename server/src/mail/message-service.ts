// Messages of a mailbox: APPEND (blob first, then one transaction for body,
// copy, refs and usage), flags, EXPUNGE, COPY/MOVE, and the read paths IMAP
// FETCH/SEARCH and POP3 use. Events go out after commit.
import { StoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Mailbox, NewMessage } from '../store/mail-port.ts';
import type { BlobInfo, Store } from '../store/port.ts';
import type { AppendInput, MessageService } from './api.ts';
import { checkAppendArgs, takeIn } from './message-intake.ts';
import { assertQuota } from './quota.ts';

export interface MessageServiceDeps {
  store: Store;
  bus: ChangeBus;
  now?: () => string;
}

export function createMessageService({ store, bus, now = () => new Date().toISOString() }: MessageServiceDeps): MessageService {
  const mailboxOf = async (mailboxId: string): Promise<Mailbox> => {
    const mailbox = await store.mailboxes.get(mailboxId);
    if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
    return mailbox;
  };

  async function appendMany(mailboxId: string, inputs: readonly AppendInput[]) {
    if (inputs.length === 0) throw new StoaError('STOA_VALIDATION', 'nothing to append');
    for (const input of inputs) checkAppendArgs(input.flags, input.internalDate);
    const mailbox = await mailboxOf(mailboxId);
    const at = now();
    const items: NewMessage[] = [];
    const blobs: BlobInfo[] = [];
    // Sequential: each stream is consumed as it arrives (IMAP literals come one after another).
    for (const input of inputs) {
      const { blobId, blob, index } = await takeIn(store.blobs, input.source);
      blobs.push(blob);
      items.push({ blobId, index, flags: input.flags ?? [], internalDate: input.internalDate ?? at });
    }
    const result = await store.atomic(async (tx) => {
      // The blobs are recorded in the same commit as the copies (port.ts BlobStore).
      for (const blob of blobs) await tx.blobRefs.register(blob);
      await assertQuota(tx, mailbox.accountId, items.map((i) => i.index.size));
      return tx.messages.append(mailboxId, items, at);
    });
    bus.publish({ accountId: mailbox.accountId, mailboxId, kind: 'exists', uids: result.uids, modseq: result.modseq });
    return result;
  }

  return {
    append: (mailboxId, input) => appendMany(mailboxId, [input]),
    appendMany,
    list: (mailboxId, uids) => store.messages.list(mailboxId, uids),
    selection: (mailboxId) => store.messages.selection(mailboxId),
    fetch: (mailboxId, uids) => store.messages.fetch(mailboxId, uids),

    async body(blobId) {
      const body = await store.messages.body(blobId);
      if (!body) throw new StoaError('STOA_NOT_FOUND', `message body ${blobId}`);
      return body;
    },
    open: (blobId, range) => store.blobs.open(blobId, range),

    async storeFlags(mailboxId, uids, request) {
      const mailbox = await mailboxOf(mailboxId);
      const result = await store.messages.storeFlags(mailboxId, uids, request);
      if (result.changed.length > 0) {
        bus.publish({ accountId: mailbox.accountId, mailboxId, kind: 'flags', uids: result.changed.map((c) => c.uid), modseq: result.modseq });
      }
      return result;
    },

    async expunge(mailboxId, uids) {
      const mailbox = await mailboxOf(mailboxId);
      const result = await store.messages.expunge(mailboxId, uids);
      if (result.uids.length > 0) bus.publish({ accountId: mailbox.accountId, mailboxId, kind: 'expunge', uids: result.uids, modseq: result.modseq });
      return result;
    },

    async copy(fromMailboxId, uids, toMailboxId) {
      const target = await mailboxOf(toMailboxId);
      const result = await store.atomic(async (tx) => {
        const sizes = (await tx.messages.fetch(fromMailboxId, uids)).map((m) => m.size);
        await assertQuota(tx, target.accountId, sizes);
        return tx.messages.copy(fromMailboxId, uids, toMailboxId, now());
      });
      if (result.destUids.length > 0) bus.publish({ accountId: target.accountId, mailboxId: toMailboxId, kind: 'exists', uids: result.destUids, modseq: result.modseq });
      return result;
    },

    async move(fromMailboxId, uids, toMailboxId) {
      const [source, target] = await Promise.all([mailboxOf(fromMailboxId), mailboxOf(toMailboxId)]);
      const result = await store.atomic(async (tx) => {
        // Within one account a move leaves usage unchanged: no quota check (RFC 9208 §4.3 counts storage, not operations).
        if (source.accountId !== target.accountId) {
          await assertQuota(tx, target.accountId, (await tx.messages.fetch(fromMailboxId, uids)).map((m) => m.size));
        }
        return tx.messages.move(fromMailboxId, uids, toMailboxId, now());
      });
      if (result.destUids.length > 0) {
        bus.publish({ accountId: target.accountId, mailboxId: toMailboxId, kind: 'exists', uids: result.destUids, modseq: result.modseq });
        if (result.expunged) bus.publish({ accountId: source.accountId, mailboxId: fromMailboxId, kind: 'expunge', uids: result.expunged.uids, modseq: result.expunged.modseq });
      }
      return result;
    },

    changesSince: (mailboxId, modseq, options) => store.messages.changesSince(mailboxId, modseq, options),
    filter: (mailboxId, filter) => store.messages.filter(mailboxId, filter),
    searchText: (mailboxId, text) => store.messages.searchText(mailboxId, text),
    summaries: (mailboxId, uids, options) => store.messages.summaries(mailboxId, uids, options),
  };
}
