// LOGOUT (RFC 5804 §2.3): OK, then the server closes the connection.
import type { CommandSpec } from '../context.ts';

export const logout: CommandSpec<'LOGOUT'> = {
  verb: 'LOGOUT',
  state: 'any',
  handler: async () => ({ type: 'response', kind: 'OK', text: 'Logout completed', after: 'close' }),
};
