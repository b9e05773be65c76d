// CHECKSCRIPT (RFC 5804 §2.12): compile without storing.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';

export const checkscript: CommandSpec<'CHECKSCRIPT'> = {
  verb: 'CHECKSCRIPT',
  state: 'authenticated',
  handler: async (ctx, c) => {
    ctx.services.sieve.check(actorOf(ctx).actor, c.content);
    return ok('Script is valid');
  },
};
