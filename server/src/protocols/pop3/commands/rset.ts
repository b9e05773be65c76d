// RFC 1939 §5 RSET: unmarks every message marked by DELE.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const rset: Pop3CommandSpec<'RSET', 'transaction'> = {
  verb: 'RSET',
  states: ['transaction'],
  handler: async (ctx) => {
    const maildrop = ctx.session.maildrop;
    maildrop.reset();
    const { count, octets } = maildrop.stat();
    return ok(`Maildrop has ${count} messages (${octets} octets)`);
  },
};
