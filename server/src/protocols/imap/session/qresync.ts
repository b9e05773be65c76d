// RFC 7162 §3.2.5 SELECT (QRESYNC …): what changed since the client's
// mod-sequence, as VANISHED (EARLIER) for removed UIDs and FETCH (UID FLAGS
// MODSEQ) for changed ones. The store answers vanished UIDs from its expunge
// log; when the client's modseq is older than the pruned part of the log, it
// reports every UID the mailbox no longer has (a superset the client must
// ignore where it does not know the UID, §3.2.5.2). Then the known-uids range
// bounds the answer, and the seq-match data trims it further.
import { intersectUidSets } from '../../../model/uid-set.ts';
import type { AuthedContext } from '../context.ts';
import type { QresyncParams, Response } from '../wire/index.ts';
import { resolveSequenceSet } from '../wire/index.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

const MAX_UID = 0xffffffff;
/** Pairs of seq-match data looked at; a longer list is ignored rather than expanded. */
const MAX_SEQ_MATCH = 10_000;

function expand(ranges: readonly (readonly [number, number])[]): number[] | null {
  const out: number[] = [];
  for (const [a, b] of ranges) {
    if (out.length + (b - a + 1) > MAX_SEQ_MATCH) return null;
    for (let n = a; n <= b; n++) out.push(n);
  }
  return out;
}

/**
 * RFC 7162 §3.2.5.2: the highest client UID whose message number the client
 * and the server agree on. Below it nothing the client knows was expunged:
 * every UID present up to it is one the client knew (new messages get higher
 * UIDs), and the counts match. 0 when no pair matches.
 */
export function lastMatchingUid(selected: SelectedMailbox, seqMatch: NonNullable<QresyncParams['seqMatch']>): number {
  // Client message numbers and UIDs: no "*" is meaningful here, so it stands for the largest possible value.
  const seqs = expand(resolveSequenceSet(seqMatch.seqs, MAX_UID));
  const uids = expand(resolveSequenceSet(seqMatch.uids, MAX_UID));
  if (!seqs || !uids || seqs.length !== uids.length) return 0;
  let best = 0;
  for (let i = 0; i < uids.length; i++) {
    if (uids[i] > best && selected.seqOf(uids[i]) === seqs[i]) best = uids[i];
  }
  return best;
}

export async function qresyncResponses(ctx: AuthedContext, selected: SelectedMailbox, params: QresyncParams): Promise<Response[]> {
  const known = params.knownUids ? resolveSequenceSet(params.knownUids, Math.max(selected.maxUid, selected.mailbox.uidNext)) : undefined;
  const changes = await ctx.services.messages.changesSince(ctx.session.actor, selected.mailbox.id, Number(params.modseq), known ? { within: known } : {});
  const out: Response[] = [];
  let vanished = changes.vanished;
  if (!changes.vanishedExact && params.seqMatch) {
    const matched = lastMatchingUid(selected, params.seqMatch);
    if (matched > 0) vanished = intersectUidSets(vanished, [[matched + 1, MAX_UID]]);
  }
  if (vanished.length > 0) out.push({ kind: 'vanished', earlier: true, ranges: vanished });
  for (const change of changes.changed) {
    const seq = selected.seqOf(change.uid);
    if (seq === 0) continue;
    out.push({ kind: 'fetch', seq, items: [
      { item: 'UID', uid: change.uid }, { item: 'FLAGS', flags: change.flags }, { item: 'MODSEQ', modseq: BigInt(change.modseq) },
    ] });
  }
  return out;
}
