// UNAUTHENTICATE (RFC 5804 §2.14.1): back to the non-authenticated state on
// the same (TLS) connection.
import type { CommandSpec } from '../context.ts';
import { ok } from '../context.ts';

export const unauthenticate: CommandSpec<'UNAUTHENTICATE'> = {
  verb: 'UNAUTHENTICATE',
  state: 'authenticated',
  handler: async (ctx) => {
    ctx.session.account = null;
    ctx.session.actor = null;
    ctx.logger = ctx.connectionLogger;
    return ok('Logged out; authenticate again');
  },
};
