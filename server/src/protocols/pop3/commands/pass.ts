// RFC 1939 §7 PASS: only right after USER.
import { err, type Pop3CommandSpec } from '../context.ts';
import { logIn } from '../session/login.ts';

export const pass: Pop3CommandSpec<'PASS', 'authorization'> = {
  verb: 'PASS',
  states: ['authorization'],
  sendsCredentials: true,
  handler: async (ctx, command) => {
    const name = ctx.session.pendingUser;
    if (name === null) return err('Send USER first');
    return logIn(ctx, name, command.password);
  },
};
