// RFC 9051 §6.1.3 LOGOUT: BYE, then the tagged OK, then the server closes.
import type { CommandSpec } from '../context.ts';
import { enterLogout } from '../session/session-state.ts';

export const logout: CommandSpec<'LOGOUT', 'not-authenticated' | 'authenticated' | 'selected'> = {
  names: ['LOGOUT'],
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handler(ctx, command) {
    enterLogout(ctx.session);
    return {
      type: 'done',
      responses: [{ kind: 'untagged', status: 'BYE', text: 'Logging out' }],
      final: { kind: 'tagged', tag: command.tag, status: 'OK', text: 'LOGOUT completed' },
      after: 'close',
    };
  },
};
