// RFC 5256 SORT and THREAD (ORDEREDSUBJECT, REFERENCES), with RFC 5267
// ESORT-style RETURN options; the search, sort and thread algorithms are the
// mail domain's (mail/search/).
import { searchMailbox } from '../../../mail/search/search.ts';
import { sortMessages, type SortKeyName } from '../../../mail/search/sort.ts';
import { threadMessages, type ThreadNode as MailThread } from '../../../mail/search/thread.ts';
import { bad, done, no, type CommandSpec, type SelectedContext } from '../context.ts';
import type { SearchKey, ThreadNode } from '../wire/index.ts';
import { supportedCharset, toCriteria } from '../session/search-criteria.ts';
import { searchResponses } from '../session/search-results.ts';

async function matching(ctx: SelectedContext, keys: SearchKey[]): Promise<number[]> {
  const { selected, actor } = ctx.session;
  const result = await searchMailbox({ actor, messages: ctx.services.messages }, selected.mailbox.id, toCriteria(keys, { selected, saved: ctx.session.savedUids }));
  return result.uids.filter((uid) => selected.seqOf(uid) > 0);
}

export const sort: CommandSpec<'SORT', 'selected'> = {
  names: ['SORT'],
  states: ['selected'],
  selectedRights: 'r',
  holdsExpunges: (command) => !command.uid,
  async handler(ctx, command) {
    if (!supportedCharset(command.charset)) return no(command.tag, `Unsupported charset ${command.charset}`, { code: 'BADCHARSET', charsets: ['UTF-8', 'US-ASCII'] });
    const { selected, actor } = ctx.session;
    const keys = command.criteria.map((c) => ({ key: c.key.toLowerCase() as SortKeyName, reverse: c.reverse }));
    const uids = await sortMessages({ actor, messages: ctx.services.messages }, selected.mailbox.id, keys, await matching(ctx, command.search));
    return done(command.tag, `${command.uid ? 'UID ' : ''}SORT completed`, searchResponses(ctx, command.tag, command.uid, command.return, { uids }, 'sort'));
  },
};

function toWire(node: MailThread, label: (uid: number) => number): ThreadNode {
  return { id: node.uid === null ? null : label(node.uid), children: node.children.map((c) => toWire(c, label)) };
}

export const thread: CommandSpec<'THREAD', 'selected'> = {
  names: ['THREAD'],
  states: ['selected'],
  selectedRights: 'r',
  holdsExpunges: (command) => !command.uid,
  async handler(ctx, command) {
    const algorithm = command.algorithm.toLowerCase();
    if (algorithm !== 'orderedsubject' && algorithm !== 'references') return bad(command.tag, `Unknown THREAD algorithm ${command.algorithm}`);
    if (!supportedCharset(command.charset)) return no(command.tag, `Unsupported charset ${command.charset}`, { code: 'BADCHARSET', charsets: ['UTF-8', 'US-ASCII'] });
    const { selected, actor } = ctx.session;
    const roots = await threadMessages({ actor, messages: ctx.services.messages }, selected.mailbox.id, algorithm, await matching(ctx, command.search));
    const label = command.uid ? (uid: number) => uid : (uid: number) => selected.seqOf(uid);
    return done(command.tag, `${command.uid ? 'UID ' : ''}THREAD completed`, [{ kind: 'thread', threads: roots.map((r) => toWire(r, label)) }]);
  },
};
