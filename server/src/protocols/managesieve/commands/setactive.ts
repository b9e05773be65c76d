// SETACTIVE (RFC 5804 §2.8): make a script the active one; "" deactivates.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';

export const setactive: CommandSpec<'SETACTIVE'> = {
  verb: 'SETACTIVE',
  state: 'authenticated',
  handler: async (ctx, c) => {
    const { actor, accountId } = actorOf(ctx);
    await ctx.services.sieve.setActive(actor, accountId, c.name === '' ? null : c.name);
    return ok(c.name === '' ? 'No script is active' : 'Script activated');
  },
};
