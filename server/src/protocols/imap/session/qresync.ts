// RFC 7162 §3.2.5 SELECT (QRESYNC …): what changed since the client's
// mod-sequence, as VANISHED (EARLIER) for removed UIDs and FETCH (UID FLAGS
// MODSEQ) for changed ones. The optional seq-match data only helps servers
// that forget expunges; this store keeps an expunge log, so it is not needed.
import type { ImapContext } from '../context.ts';
import type { QresyncParams, Response } from '../wire/index.ts';
import { resolveSequenceSet } from '../wire/index.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

function inRanges(ranges: Array<[number, number]>, n: number): boolean {
  return ranges.some(([a, b]) => n >= a && n <= b);
}

export async function qresyncResponses(ctx: ImapContext, selected: SelectedMailbox, params: QresyncParams): Promise<Response[]> {
  const changes = await ctx.services.messages.changesSince(selected.mailbox.id, Number(params.modseq));
  const out: Response[] = [];
  const known = params.knownUids ? resolveSequenceSet(params.knownUids, Math.max(selected.maxUid, selected.mailbox.uidNext)) : null;
  const vanished = changes.vanished.filter((uid) => known === null || inRanges(known, uid));
  if (vanished.length > 0) out.push({ kind: 'vanished', earlier: true, uids: vanished });
  for (const change of changes.changed) {
    const seq = selected.seqOf(change.uid);
    if (seq === 0) continue;
    out.push({ kind: 'fetch', seq, items: [
      { item: 'UID', uid: change.uid }, { item: 'FLAGS', flags: change.flags }, { item: 'MODSEQ', modseq: BigInt(change.modseq) },
    ] });
  }
  return out;
}
