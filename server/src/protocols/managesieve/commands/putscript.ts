// PUTSCRIPT (RFC 5804 §2.6): the script is compiled before it is stored; a
// script that does not compile is refused with its line and column.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';

export const putscript: CommandSpec<'PUTSCRIPT'> = {
  verb: 'PUTSCRIPT',
  state: 'authenticated',
  handler: async (ctx, c) => {
    const { actor, accountId } = actorOf(ctx);
    await ctx.services.sieve.put(actor, accountId, c.name, c.content);
    return ok('Script stored');
  },
};
