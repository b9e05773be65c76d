// DELETESCRIPT (RFC 5804 §2.10): the active script is refused with (ACTIVE).
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';

export const deletescript: CommandSpec<'DELETESCRIPT'> = {
  verb: 'DELETESCRIPT',
  state: 'authenticated',
  handler: async (ctx, c) => {
    const { actor, accountId } = actorOf(ctx);
    await ctx.services.sieve.delete(actor, accountId, c.name);
    return ok('Script deleted');
  },
};
