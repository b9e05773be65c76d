// LISTSCRIPTS (RFC 5804 §2.7): every script, the active one marked ACTIVE.
import type { CommandSpec } from '../context.ts';
import { actorOf, ok } from '../context.ts';
import { scriptList } from '../wire/serialize.ts';

export const listscripts: CommandSpec<'LISTSCRIPTS'> = {
  verb: 'LISTSCRIPTS',
  state: 'authenticated',
  handler: async (ctx) => {
    const { actor, accountId } = actorOf(ctx);
    return { type: 'data', body: scriptList(await ctx.services.sieve.list(actor, accountId)), then: ok('Listscripts completed') };
  },
};
