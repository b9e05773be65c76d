// RFC 2971 ID: the client's parameters are logged; ours name the server.
import { done, type CommandSpec } from '../context.ts';

export const id: CommandSpec<'ID'> = {
  names: ['ID'],
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handler(ctx, command) {
    if (command.params) ctx.logger.debug({ client: Object.fromEntries(command.params) }, 'imap client id');
    return done(command.tag, 'ID completed', [{ kind: 'id', params: [['name', 'Stoa'], ['vendor', 'Stoa'], ['support-url', null]] }]);
  },
};
