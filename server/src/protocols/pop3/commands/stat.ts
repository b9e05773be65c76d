// RFC 1939 §5 STAT: "+OK count octets", deleted messages not counted.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const stat: Pop3CommandSpec<'STAT', 'transaction'> = {
  verb: 'STAT',
  states: ['transaction'],
  handler: async (ctx) => {
    const { count, octets } = ctx.session.maildrop.stat();
    return ok(`${count} ${octets}`);
  },
};
