// RFC 7162 §3.1: the first CONDSTORE-enabling command (FETCH or SEARCH with
// MODSEQ, FETCH CHANGEDSINCE, STORE UNCHANGEDSINCE, ENABLE CONDSTORE) turns
// CONDSTORE on for the rest of the session; issued while a mailbox is
// selected, it also tells the client that mailbox's HIGHESTMODSEQ (in an
// untagged OK, as SELECT would have), since the client has none yet.
import type { ImapContext } from '../context.ts';
import type { Response } from '../wire/index.ts';

/** Turns CONDSTORE on; returns the untagged OK [HIGHESTMODSEQ] owed when this enabled it with a mailbox selected. */
export async function enableCondstore(ctx: ImapContext): Promise<Response[]> {
  const { session } = ctx;
  if (session.condstore) return [];
  session.condstore = true;
  if (session.state !== 'selected') return [];
  const { mailbox } = await ctx.services.mailboxes.get(session.actor, session.selected.mailbox.id);
  return [{ kind: 'untagged', status: 'OK', code: { code: 'HIGHESTMODSEQ', value: BigInt(mailbox.highestModSeq) }, text: 'Highest' }];
}
