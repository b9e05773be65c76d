// RFC 9051 §6.1.1 CAPABILITY.
import { done, type CommandSpec } from '../context.ts';
import { capabilities } from '../session/capabilities.ts';

export const capability: CommandSpec<'CAPABILITY'> = {
  names: ['CAPABILITY'],
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handler(ctx, command) {
    return done(command.tag, 'CAPABILITY completed', [{ kind: 'capability', capabilities: capabilities(ctx) }]);
  },
};
