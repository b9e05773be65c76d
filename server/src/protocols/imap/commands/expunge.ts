// RFC 9051 §6.4.3 EXPUNGE and RFC 4315 §2.1 UID EXPUNGE: needs the "e" right
// (RFC 4314 §4). The client learns of the removal at once, as EXPUNGE
// responses or, after ENABLE QRESYNC, as VANISHED (RFC 7162 §3.2.10).
import { uidSetOf } from '../../../model/uid-set.ts';
import { done, type CommandSpec } from '../context.ts';

export const expunge: CommandSpec<'EXPUNGE' | 'UID EXPUNGE', 'selected'> = {
  names: ['EXPUNGE', 'UID EXPUNGE'],
  states: ['selected'],
  writes: true,
  selectedRights: 'e',
  async handler(ctx, command) {
    const { session } = ctx;
    const { selected, actor } = session;
    let limit;
    if (command.name === 'UID EXPUNGE') {
      const uids = selected.resolve(command.uids, true, session.savedUids);
      if (uids.length === 0) return done(command.tag, 'UID EXPUNGE completed');
      limit = uidSetOf(uids);
    }
    const result = await ctx.services.messages.expunge(actor, selected.mailbox.id, limit);
    const responses = selected.expungeNow(result.uids, session.qresync);
    // RFC 7162 §3.2: the tagged OK carries the new HIGHESTMODSEQ for a CONDSTORE client.
    const code = session.condstore && result.uids.length > 0 ? { code: 'HIGHESTMODSEQ' as const, value: BigInt(result.modseq) } : undefined;
    return done(command.tag, `${command.name} completed`, responses, code);
  },
};
