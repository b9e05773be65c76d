// Messages of a mailbox: APPEND (blob first, then one transaction for body,
// copy, refs and usage), flags, EXPUNGE, COPY/MOVE, and the read paths IMAP
// FETCH/SEARCH and POP3 use. Every method checks the caller's RFC 4314
// rights first (mail-access.ts, RFC 4314 §4 for which right each needs).
// Events go out after commit.
import type { Actor } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { BlobInfo } from '../model/blob.ts';
import type { NewMessage, StoreFlagsRequest } from '../model/mail.ts';
import type { Store } from '../store/port.ts';
import type { AppendInput, MessageService, MessageTransfer, TransferObserver } from './api.ts';
import type { MailAccess } from './mail-access.ts';
import { checkAppendArgs, takeIn } from './message-intake.ts';
import { assertQuota } from './quota.ts';
import { DEFAULT_MAIL_LIMITS, checkKeywordLengths, checkNewKeywords, keywordsOf, type MailLimits } from './mail-limits.ts';
import type { StoreTx } from '../store/port.ts';

export interface MessageServiceDeps {
  store: Store;
  bus: ChangeBus;
  access: MailAccess;
  now?: () => string;
  /** Told of every committed COPY and MOVE (Junk training). */
  onTransfer?: TransferObserver;
  limits?: MailLimits;
}

/** RFC 4314 §4: the right a flag needs (\Seen "s", \Deleted "t", any other "w"). */
export function rightForFlag(flag: string): 's' | 't' | 'w' {
  const f = flag.toLowerCase();
  return f === '\\seen' ? 's' : f === '\\deleted' ? 't' : 'w';
}

/** Rights a STORE needs: one per kind of flag named; replacing every flag needs all three. */
export function rightsForStore(request: Pick<StoreFlagsRequest, 'mode' | 'flags'>): string {
  if (request.mode === 'replace') return 'stw';
  return [...new Set(request.flags.map(rightForFlag))].join('');
}

/** RFC 4314 §4 APPEND/COPY: flags the caller may not set are dropped rather than refused. */
function permittedFlags(flags: readonly string[], rights: string): string[] {
  return flags.filter((f) => rights.includes(rightForFlag(f)));
}

export function createMessageService({ store, bus, access, now = () => new Date().toISOString(), onTransfer, limits = DEFAULT_MAIL_LIMITS }: MessageServiceDeps): MessageService {
  /** Inside the writing transaction, so two writers cannot both pass the keyword limit (mail-limits.ts). */
  async function keywordRoom(tx: StoreTx, mailboxId: string, flags: readonly string[]): Promise<void> {
    if (keywordsOf(flags).length === 0) return;
    checkNewKeywords(await tx.messages.keywordsInUse(mailboxId), flags, limits);
  }

  function told(transfer: MessageTransfer): void {
    if (!onTransfer || transfer.destUids.length === 0) return;
    try {
      onTransfer(transfer);
    } catch {
      // An observer's failure is its own: the copy or move has committed.
    }
  }

  async function appendMany(actor: Actor, mailboxId: string, inputs: readonly AppendInput[]) {
    if (inputs.length === 0) throw new StoaError('STOA_VALIDATION', 'nothing to append');
    for (const input of inputs) {
      checkAppendArgs(input.flags, input.internalDate);
      checkKeywordLengths(input.flags ?? [], limits);
    }
    const { ownerId, rights } = await access.require(actor, mailboxId, 'i');
    const at = now();
    const items: NewMessage[] = [];
    const blobs: BlobInfo[] = [];
    // Sequential: each stream is consumed as it arrives (IMAP literals come one after another).
    for (const input of inputs) {
      const { blobId, blob, index } = await takeIn(store.blobs, input.source);
      blobs.push(blob);
      items.push({ blobId, index, flags: permittedFlags(input.flags ?? [], rights), internalDate: input.internalDate ?? at });
    }
    const result = await store.atomic(async (tx) => {
      // The blobs are recorded in the same commit as the copies (port.ts BlobStore).
      for (const blob of blobs) await tx.blobRefs.register(blob);
      await assertQuota(tx, ownerId, items.map((i) => i.index.size));
      await keywordRoom(tx, mailboxId, items.flatMap((i) => i.flags));
      return tx.messages.append(mailboxId, items, at);
    });
    bus.publish({ accountId: ownerId, mailboxId, kind: 'exists', uids: result.uids, modseq: result.modseq });
    return result;
  }

  const reading = (actor: Actor, mailboxId: string) => access.require(actor, mailboxId, 'r');

  return {
    append: (actor, mailboxId, input) => appendMany(actor, mailboxId, [input]),
    appendMany,

    async list(actor, mailboxId, uids) {
      await reading(actor, mailboxId);
      return store.messages.list(mailboxId, uids);
    },
    async selection(actor, mailboxId) {
      await reading(actor, mailboxId);
      return store.messages.selection(mailboxId);
    },
    async claimRecent(actor, mailboxId, throughUid) {
      await reading(actor, mailboxId);
      return store.mailboxes.claimRecent(mailboxId, throughUid);
    },
    async fetch(actor, mailboxId, uids) {
      await reading(actor, mailboxId);
      return store.messages.fetch(mailboxId, uids);
    },

    async body(actor, message) {
      await reading(actor, message.mailboxId);
      const body = await store.messages.body(message.blobId);
      if (!body) throw new StoaError('STOA_NOT_FOUND', `message body ${message.blobId}`);
      return body;
    },
    async open(actor, message, range) {
      await reading(actor, message.mailboxId);
      return store.blobs.open(message.blobId, range);
    },

    async storeFlags(actor, mailboxId, uids, request) {
      const { ownerId } = await access.require(actor, mailboxId, rightsForStore(request));
      const adds = request.mode !== 'remove' && keywordsOf(request.flags).length > 0;
      if (adds) checkKeywordLengths(request.flags, limits);
      const result = adds
        ? await store.atomic(async (tx) => {
          await keywordRoom(tx, mailboxId, request.flags);
          return tx.messages.storeFlags(mailboxId, uids, request);
        })
        : await store.messages.storeFlags(mailboxId, uids, request);
      if (result.changed.length > 0) {
        bus.publish({ accountId: ownerId, mailboxId, kind: 'flags', uids: result.changed.map((c) => c.uid), modseq: result.modseq });
      }
      return result;
    },

    async expunge(actor, mailboxId, uids) {
      const { ownerId } = await access.require(actor, mailboxId, 'e');
      const result = await store.messages.expunge(mailboxId, uids);
      if (result.uids.length > 0) bus.publish({ accountId: ownerId, mailboxId, kind: 'expunge', uids: result.uids, modseq: result.modseq });
      return result;
    },

    async copy(actor, fromMailboxId, uids, toMailboxId) {
      await reading(actor, fromMailboxId);
      const { ownerId } = await access.require(actor, toMailboxId, 'i');
      const result = await store.atomic(async (tx) => {
        // The compact list has the sizes for the quota and the keywords for their limit.
        const list = await tx.messages.list(fromMailboxId, uids);
        await assertQuota(tx, ownerId, [...list.sizes]);
        await keywordRoom(tx, toMailboxId, [...list.keywords.values()].flat());
        return tx.messages.copy(fromMailboxId, uids, toMailboxId, now());
      });
      if (result.destUids.length > 0) bus.publish({ accountId: ownerId, mailboxId: toMailboxId, kind: 'exists', uids: result.destUids, modseq: result.modseq });
      told({ actor, kind: 'copy', fromMailboxId, toMailboxId, ownerId, destUids: result.destUids });
      return result;
    },

    async move(actor, fromMailboxId, uids, toMailboxId) {
      // RFC 6851 §4.3 with RFC 4314 §4: a move reads, marks deleted and expunges at the source.
      const { ownerId: sourceOwner } = await access.require(actor, fromMailboxId, 'rte');
      const { ownerId: targetOwner } = await access.require(actor, toMailboxId, 'i');
      const result = await store.atomic(async (tx) => {
        // Within one owner a move leaves usage unchanged: no quota check (RFC 9208 §4.3 counts storage, not operations).
        const list = await tx.messages.list(fromMailboxId, uids);
        if (sourceOwner !== targetOwner) await assertQuota(tx, targetOwner, [...list.sizes]);
        if (fromMailboxId !== toMailboxId) await keywordRoom(tx, toMailboxId, [...list.keywords.values()].flat());
        return tx.messages.move(fromMailboxId, uids, toMailboxId, now());
      });
      if (result.destUids.length > 0) {
        bus.publish({ accountId: targetOwner, mailboxId: toMailboxId, kind: 'exists', uids: result.destUids, modseq: result.modseq });
        if (result.expunged) bus.publish({ accountId: sourceOwner, mailboxId: fromMailboxId, kind: 'expunge', uids: result.expunged.uids, modseq: result.expunged.modseq });
      }
      told({ actor, kind: 'move', fromMailboxId, toMailboxId, ownerId: targetOwner, destUids: result.destUids });
      return result;
    },

    async changesSince(actor, mailboxId, modseq, options) {
      await reading(actor, mailboxId);
      return store.messages.changesSince(mailboxId, modseq, options);
    },
    async filter(actor, mailboxId, filter) {
      await reading(actor, mailboxId);
      return store.messages.filter(mailboxId, filter);
    },
    async searchText(actor, mailboxId, text) {
      await reading(actor, mailboxId);
      return store.messages.searchText(mailboxId, text);
    },
    async summaries(actor, mailboxId, uids, options) {
      await reading(actor, mailboxId);
      return store.messages.summaries(mailboxId, uids, options);
    },
  };
}
