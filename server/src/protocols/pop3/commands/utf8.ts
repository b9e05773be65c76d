// RFC 6856 §2 UTF8: switches the session to UTF-8 mode before login. Stoa
// accepts UTF-8 user names and passwords anyway and sends messages as
// stored, so the mode only records the client's request.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const utf8: Pop3CommandSpec<'UTF8', 'authorization'> = {
  verb: 'UTF8',
  states: ['authorization'],
  handler: async (ctx) => {
    ctx.session.utf8 = true;
    return ok('UTF8 enabled');
  },
};
