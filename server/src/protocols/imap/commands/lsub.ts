// RFC 3501 §6.3.9 LSUB (deprecated by RFC 9051 but used by IMAP4rev1
// clients): subscribed names matching the pattern; names that no longer
// exist are \Noselect.
import { done, type CommandSpec } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { listMatcher } from '../session/list-match.ts';
import { DELIMITER, accountId, resolveMailbox } from '../session/namespaces.ts';

export const lsub: CommandSpec<'LSUB', 'authenticated' | 'selected'> = {
  names: ['LSUB'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const match = listMatcher(command.reference, command.pattern);
    const out: Response[] = [];
    for (const name of (await ctx.services.mailboxes.subscriptions(ctx.session.actor, accountId(ctx))).sort()) {
      if (!match(name)) continue;
      const exists = await resolveMailbox(ctx, name);
      out.push({ kind: 'lsub', attributes: exists ? [] : ['\\Noselect'], delimiter: DELIMITER, mailbox: name });
    }
    return done(command.tag, 'LSUB completed', out);
  },
};
