// RFC 9051 §6.4.4 SEARCH / UID SEARCH with RFC 4731 ESEARCH, RFC 5182
// SEARCHRES, RFC 7162 MODSEQ, RFC 5032 WITHIN and RFC 8474 ids; evaluated
// by the mail domain's search module over the session's mailbox.
import { searchMailbox } from '../../../mail/search/search.ts';
import { done, no, type CommandSpec } from '../context.ts';
import { supportedCharset, toCriteria, usesModseq } from '../session/search-criteria.ts';
import { searchResponses } from '../session/search-results.ts';

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
    if (withModseq) session.condstore = true;
    const result = await searchMailbox({ actor, messages: ctx.services.messages }, selected.mailbox.id, criteria);
    // Messages the session has not been told about yet are not in its view (RFC 9051 §7.5.1).
    const uids = result.uids.filter((uid) => selected.seqOf(uid) > 0);
    const found = { uids, ...(withModseq ? { modseq: BigInt(result.highestModSeq ?? 0) } : {}) };
    return done(command.tag, `${command.uid ? 'UID ' : ''}SEARCH completed`, searchResponses(ctx, command.tag, command.uid, command.return, found, 'search'));
  },
};
