// RFC 9051 §6.4.4 SEARCH / UID SEARCH with RFC 4731 ESEARCH, RFC 5182
// SEARCHRES, RFC 7162 MODSEQ, RFC 5032 WITHIN and RFC 8474 ids; evaluated
// by the mail domain's search module over the session's mailbox.
import { searchMailbox } from '../../../mail/search/search.ts';
import { uidSetOf } from '../../../model/uid-set.ts';
import type { SearchReturnOption } from '../wire/index.ts';
import { enableCondstore } from '../session/condstore.ts';
import { done, no, type CommandSpec } from '../context.ts';
import { supportedCharset, toCriteria, usesModseq } from '../session/search-criteria.ts';
import { searchResponses } from '../session/search-results.ts';

/**
 * RFC 7162 §3.1.5 with RFC 4731: the MODSEQ is the highest of the messages
 * returned. RETURN (MIN) and/or (MAX) return only those messages (sorted
 * ascending here); anything else (ALL, COUNT, plain SEARCH) speaks of every match.
 */
function returnedOnly(options: SearchReturnOption[] | null, uids: readonly number[]): number[] | null {
  if (options === null || options.length === 0 || uids.length === 0) return null;
  const shown = options.filter((o) => o !== 'SAVE');
  if (shown.length === 0 || !shown.every((o) => o === 'MIN' || o === 'MAX')) return null;
  return [...new Set([...(shown.includes('MIN') ? [uids[0]] : []), ...(shown.includes('MAX') ? [uids[uids.length - 1]] : [])])];
}

export const search: CommandSpec<'SEARCH', 'selected'> = {
  names: ['SEARCH'],
  states: ['selected'],
  selectedRights: 'r',
  holdsExpunges: (command) => !command.uid,
  async handler(ctx, command) {
    const { session } = ctx;
    const { selected, actor } = session;
    if (!supportedCharset(command.charset)) return no(command.tag, `Unsupported charset ${command.charset}`, { code: 'BADCHARSET', charsets: ['UTF-8', 'US-ASCII'] });
    const criteria = toCriteria(command.criteria, { selected, saved: session.savedUids });
    const withModseq = usesModseq(command.criteria);
    const enabled = withModseq ? await enableCondstore(ctx) : [];
    const result = await searchMailbox({ actor, messages: ctx.services.messages }, selected.mailbox.id, criteria);
    // Messages the session has not been told about yet are not in its view (RFC 9051 §7.5.1).
    const uids = result.uids.filter((uid) => selected.seqOf(uid) > 0);
    let modseq = result.highestModSeq ?? 0;
    const picked = withModseq ? returnedOnly(command.return, uids) : null;
    if (picked) modseq = Math.max(0, ...(await ctx.services.messages.list(actor, selected.mailbox.id, uidSetOf(picked))).modseqs);
    const found = { uids, ...(withModseq ? { modseq: BigInt(modseq) } : {}) };
    const responses = searchResponses(ctx, command.tag, command.uid, command.return, found, 'search');
    return done(command.tag, `${command.uid ? 'UID ' : ''}SEARCH completed`, [...enabled, ...responses]);
  },
};
