// RFC 9051 §6.3.7 SUBSCRIBE and §6.3.8 UNSUBSCRIBE. Subscriptions are names
// in the account's own list; any name may be subscribed, even one that does
// not exist yet (RFC 9051 §6.3.7), as long as it is a valid mailbox name.
import { done, type CommandSpec } from '../context.ts';
import { accountId } from '../session/namespaces.ts';

export const subscribe: CommandSpec<'SUBSCRIBE' | 'UNSUBSCRIBE', 'authenticated' | 'selected'> = {
  names: ['SUBSCRIBE', 'UNSUBSCRIBE'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    if (command.name === 'SUBSCRIBE') await ctx.services.mailboxes.subscribe(ctx.session.actor, accountId(ctx), command.mailbox);
    else await ctx.services.mailboxes.unsubscribe(ctx.session.actor, accountId(ctx), command.mailbox);
    return done(command.tag, `${command.name} completed`);
  },
};
