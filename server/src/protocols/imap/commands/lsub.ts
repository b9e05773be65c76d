// RFC 3501 §6.3.9 LSUB (deprecated by RFC 9051 but used by IMAP4rev1
// clients): subscribed names matching the pattern; names that no longer
// exist are \Noselect, and so is an unsubscribed parent that "%" reaches
// while its subscribed child lies deeper.
import { done, type CommandSpec } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { listMatcher } from '../session/list-match.ts';
import { DELIMITER, accountId, resolveMailbox } from '../session/namespaces.ts';

function parentsOf(name: string): string[] {
  const levels = name.split(DELIMITER);
  return levels.slice(0, -1).map((_, i) => levels.slice(0, i + 1).join(DELIMITER));
}

export const lsub: CommandSpec<'LSUB', 'authenticated' | 'selected'> = {
  names: ['LSUB'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const match = listMatcher(command.reference, command.pattern);
    const subscribed = new Set(await ctx.services.mailboxes.subscriptions(ctx.session.actor, accountId(ctx)));
    const found = new Map<string, string[]>();
    for (const name of subscribed) {
      if (match(name)) {
        found.set(name, (await resolveMailbox(ctx, name)) ? [] : ['\\Noselect']);
        continue;
      }
      // RFC 3501 §6.3.9: "foo/bar" subscribed, "foo" not: LSUB "" "%" returns "foo" flagged \Noselect.
      for (const parent of parentsOf(name)) {
        if (!subscribed.has(parent) && !found.has(parent) && match(parent)) found.set(parent, ['\\Noselect']);
      }
    }
    const out: Response[] = [...found.keys()].sort().map((name) => ({ kind: 'lsub', attributes: found.get(name)!, delimiter: DELIMITER, mailbox: name }));
    return done(command.tag, 'LSUB completed', out);
  },
};
