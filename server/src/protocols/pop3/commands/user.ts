// RFC 1939 §7 USER: the name for the PASS that follows.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const user: Pop3CommandSpec<'USER', 'authorization'> = {
  verb: 'USER',
  states: ['authorization'],
  sendsCredentials: true,
  handler: async (ctx, command) => {
    ctx.session.pendingUser = command.name;
    return ok('Send your password');
  },
};
