// RFC 9051 §6.3.5 DELETE; needs the "x" right (RFC 4314 §4). INBOX and
// mailboxes with children are refused by the mail service (CANNOT, HASCHILDREN).
import { done, no, type CommandSpec } from '../context.ts';
import { resolveMailbox } from '../session/namespaces.ts';
import { leaveSelected } from '../session/session-state.ts';

export const deleteMailbox: CommandSpec<'DELETE', 'authenticated' | 'selected'> = {
  names: ['DELETE'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await resolveMailbox(ctx, command.mailbox);
    if (!resolved) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'NONEXISTENT' });
    if (!resolved.rights.includes('x')) return no(command.tag, 'You may not delete this mailbox', { code: 'NOPERM' });
    if (ctx.session.selected?.mailbox.id === resolved.mailbox.id) {
      // RFC 9051 §6.3.5 leaves this open; deselecting avoids a session on a vanished mailbox.
      leaveSelected(ctx.session);
    }
    await ctx.services.mailboxes.delete(ctx.session.actor, resolved.mailbox.id);
    return done(command.tag, 'DELETE completed');
  },
};
