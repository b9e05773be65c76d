// RFC 9051 §6.3.6 RENAME (children move along; INBOX's messages move to the
// new name and INBOX stays). Needs "x" on the source and, in another user's
// tree, "k" on the new parent (RFC 4314 §4); names cannot leave their owner.
import { done, no, type CommandSpec } from '../context.ts';
import { creationTarget, resolveMailbox } from '../session/namespaces.ts';

export const rename: CommandSpec<'RENAME', 'authenticated' | 'selected'> = {
  names: ['RENAME'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const source = await resolveMailbox(ctx, command.from);
    if (!source) return no(command.tag, `No mailbox ${command.from}`, { code: 'NONEXISTENT' });
    if (!source.rights.includes('x')) return no(command.tag, 'You may not rename this mailbox', { code: 'NOPERM' });
    if (await resolveMailbox(ctx, command.to)) return no(command.tag, `${command.to} already exists`, { code: 'ALREADYEXISTS' });
    const target = await creationTarget(ctx, command.to);
    if (target === 'invalid') return no(command.tag, `Cannot rename to ${command.to}`, { code: 'CANNOT' });
    if (target === 'forbidden') return no(command.tag, 'You may not create mailboxes there', { code: 'NOPERM' });
    if (target.accountId !== source.mailbox.accountId) return no(command.tag, 'Mailboxes cannot move to another user', { code: 'CANNOT' });
    await ctx.services.mailboxes.rename(ctx.session.actor, source.mailbox.id, target.path);
    return done(command.tag, 'RENAME completed');
  },
};
