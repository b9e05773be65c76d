// GETSCRIPT (RFC 5804 §2.9): the script as a literal.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';
import { scriptBody } from '../wire/serialize.ts';

export const getscript: CommandSpec<'GETSCRIPT'> = {
  verb: 'GETSCRIPT',
  state: 'authenticated',
  handler: async (ctx, c) => {
    const { actor, accountId } = actorOf(ctx);
    const script = await ctx.services.sieve.get(actor, accountId, c.name);
    return { type: 'data', body: scriptBody(script.content), then: ok('Getscript completed') };
  },
};
