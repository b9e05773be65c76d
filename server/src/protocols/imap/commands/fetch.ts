// RFC 9051 §6.4.5 FETCH and §6.4.9 UID FETCH, with RFC 7162 CHANGEDSINCE
// and VANISHED (§3.1.4, §3.2.6). Responses are produced lazily, one batch of
// records at a time, and body sections stream from the blob store as the
// connection writes them: a FETCH 1:* of a large mailbox never holds the
// mailbox in memory.
import { decodeFlags } from '../../../model/mail-flags.ts';
import type { MessageList } from '../../../model/mail.ts';
import { uidSetOf } from '../../../model/uid-set.ts';
import { bad, type CommandOf, type CommandSpec, type SelectedContext } from '../context.ts';
import { enableCondstore } from '../session/condstore.ts';
import type { SelectedMailbox } from '../session/selected-mailbox.ts';
import { fetchItems, needsBody, setsSeen } from '../session/fetch-items.ts';
import { resolveSequenceSet, type FetchItem, type FetchResponseItem, type Response } from '../wire/index.ts';

/** Records read per store call. */
const BATCH = 256;
/** UID/FLAGS/MODSEQ-only FETCH reads the compact list this many UIDs at a time (a 100k resync never holds the whole mailbox). */
const LIST_BATCH = 8192;

const LIST_ITEMS = new Set(['UID', 'FLAGS', 'MODSEQ']);

/** RFC 3501 §7.2.6: a FETCH showing a keyword the client has not heard of is preceded by FLAGS announcing it. */
function* announced(selected: SelectedMailbox, response: Extract<Response, { kind: 'fetch' }>): Iterable<Response> {
  for (const item of response.items) if (item.item === 'FLAGS') yield* selected.announce(item.flags);
  yield response;
}

/** UID, FLAGS and MODSEQ come from compact list reads, range by range (the 100k-message resync case). */
function* fromList(list: MessageList, uids: readonly number[], items: readonly FetchItem[], selected: SelectedMailbox, changedSince: number | null): Iterable<Response> {
  let j = 0;
  for (const uid of uids) {
    while (j < list.uids.length && list.uids[j] < uid) j++;
    if (j >= list.uids.length || list.uids[j] !== uid) continue;
    const modseq = list.modseqs[j];
    if (changedSince !== null && modseq <= changedSince) continue;
    const out: FetchResponseItem[] = [];
    for (const item of items) {
      if (item.item === 'UID') out.push({ item: 'UID', uid });
      else if (item.item === 'FLAGS') out.push({ item: 'FLAGS', flags: selected.flagsOf(uid, decodeFlags(list.systemFlags[j], list.keywords.get(uid) ?? null)) });
      else if (item.item === 'MODSEQ') out.push({ item: 'MODSEQ', modseq: BigInt(modseq) });
    }
    yield* announced(selected, { kind: 'fetch', seq: selected.seqOf(uid), items: out });
  }
}

async function* responses(ctx: SelectedContext, command: CommandOf<'FETCH'>, uids: number[], items: FetchItem[], seenChanged: Set<number>): AsyncIterable<Response> {
  const { selected, actor } = ctx.session;
  const mailboxId = selected.mailbox.id;
  const changedSince = command.changedSince === null ? null : Number(command.changedSince);
  if (command.vanished && changedSince !== null) {
    // RFC 7162 §3.2.6: expunged UIDs within the set, before the FETCH responses. "*" reaches the
    // highest UID ever given out, so expunges above the last message still left are reported too.
    const within = resolveSequenceSet(command.sequence, Math.max(selected.maxUid, selected.mailbox.uidNext - 1));
    const changes = await ctx.services.messages.changesSince(actor, mailboxId, changedSince, { within });
    if (changes.vanished.length > 0) yield { kind: 'vanished', earlier: true, ranges: changes.vanished };
  }
  if (items.every((i) => LIST_ITEMS.has(i.item)) && uids.length > BATCH) {
    for (let i = 0; i < uids.length; i += LIST_BATCH) {
      if (ctx.signal.aborted) return;
      const chunk = uids.slice(i, i + LIST_BATCH);
      yield* fromList(await ctx.services.messages.list(actor, mailboxId, uidSetOf(chunk)), chunk, items, selected, changedSince);
    }
    return;
  }
  const wantBody = needsBody(items);
  for (let i = 0; i < uids.length; i += BATCH) {
    if (ctx.signal.aborted) return;
    const records = await ctx.services.messages.fetch(actor, mailboxId, uidSetOf(uids.slice(i, i + BATCH)));
    for (const record of records) {
      if (changedSince !== null && record.modseq <= changedSince) continue;
      const seq = selected.seqOf(record.uid);
      if (seq === 0) continue;
      const body = wantBody ? await ctx.services.messages.body(actor, record) : null;
      yield* announced(selected, { kind: 'fetch', seq, items: await fetchItems(ctx, record, body, items, seenChanged.has(record.uid)) });
    }
  }
}

async function* prefixed(first: Response[], rest: AsyncIterable<Response>): AsyncIterable<Response> {
  yield* first;
  yield* rest;
}

export const fetch: CommandSpec<'FETCH', 'selected'> = {
  names: ['FETCH'],
  states: ['selected'],
  selectedRights: 'r',
  holdsExpunges: (command) => !command.uid,
  async handler(ctx, command) {
    const { session } = ctx;
    const { selected } = session;
    if (command.vanished && (!command.uid || !session.qresync || command.changedSince === null)) {
      // RFC 7162 §3.2.6: VANISHED only in UID FETCH with CHANGEDSINCE, after ENABLE QRESYNC.
      return bad(command.tag, 'VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC');
    }
    const items = [...command.items];
    // RFC 9051 §6.4.9: UID FETCH always answers UID.
    if (command.uid && !items.some((i) => i.item === 'UID')) items.unshift({ item: 'UID' });
    // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ; any MODSEQ use turns CONDSTORE on (§3.1).
    if (command.changedSince !== null && !items.some((i) => i.item === 'MODSEQ')) items.push({ item: 'MODSEQ' });
    const enabled = items.some((i) => i.item === 'MODSEQ') ? await enableCondstore(ctx) : [];
    const uids = selected.resolve(command.sequence, command.uid, session.savedUids);
    const seenChanged = new Set<number>();
    if (uids.length > 0 && setsSeen(items) && !selected.readOnly && selected.rights.includes('s')) {
      const result = await ctx.services.messages.storeFlags(session.actor, selected.mailbox.id, uidSetOf(uids), { mode: 'add', flags: ['\\Seen'] });
      if (result.changed.length > 0) selected.noteOwnChange(result.modseq);
      for (const change of result.changed) seenChanged.add(change.uid);
    }
    return {
      type: 'done',
      responses: enabled.length > 0 ? prefixed(enabled, responses(ctx, command, uids, items, seenChanged)) : responses(ctx, command, uids, items, seenChanged),
      final: { kind: 'tagged', tag: command.tag, status: 'OK', text: `${command.uid ? 'UID ' : ''}FETCH completed` },
    };
  },
};
