// HAVESPACE (RFC 5804 §2.5): would a script of this name and size fit the
// account's quotas? NO (QUOTA/MAXSCRIPTS) or NO (QUOTA/MAXSIZE) when not.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';

export const havespace: CommandSpec<'HAVESPACE'> = {
  verb: 'HAVESPACE',
  state: 'authenticated',
  handler: async (ctx, c) => {
    const { actor, accountId } = actorOf(ctx);
    await ctx.services.sieve.haveSpace(actor, accountId, c.name, c.size);
    return ok('Putscript would succeed');
  },
};
