// RENAMESCRIPT (RFC 5804 §2.11.1): the active flag moves with the script;
// (ALREADYEXISTS) when the new name is taken.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';

export const renamescript: CommandSpec<'RENAMESCRIPT'> = {
  verb: 'RENAMESCRIPT',
  state: 'authenticated',
  handler: async (ctx, c) => {
    const { actor, accountId } = actorOf(ctx);
    await ctx.services.sieve.rename(actor, accountId, c.from, c.to);
    return ok('Script renamed');
  },
};
