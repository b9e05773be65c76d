// RFC 9051 §6.4.1 CLOSE (silently expunges when the mailbox is writable and
// the "e" right is held, RFC 4314 §4) and RFC 3691 / RFC 9051 §6.4.2 UNSELECT.
import { done, type CommandSpec } from '../context.ts';
import { leaveSelected } from '../session/session-state.ts';

export const close: CommandSpec<'CLOSE' | 'UNSELECT', 'selected'> = {
  names: ['CLOSE', 'UNSELECT'],
  states: ['selected'],
  async handler(ctx, command) {
    const { session } = ctx;
    const { actor, selected } = session;
    leaveSelected(session);
    if (command.name === 'CLOSE' && !selected.readOnly && selected.rights.includes('e')) {
      await ctx.services.messages.expunge(actor, selected.mailbox.id);
    }
    return done(command.tag, `${command.name} completed`);
  },
};
