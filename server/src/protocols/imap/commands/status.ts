// RFC 9051 §6.3.11 STATUS; needs the "r" right (RFC 4314 §4).
import { done, no, type CommandSpec } from '../context.ts';
import { resolveMailbox } from '../session/namespaces.ts';
import { statusResponse } from '../session/status-items.ts';

export const status: CommandSpec<'STATUS', 'authenticated' | 'selected'> = {
  names: ['STATUS'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const resolved = await resolveMailbox(ctx, command.mailbox);
    if (!resolved) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'NONEXISTENT' });
    if (!resolved.rights.includes('r')) return no(command.tag, 'You may not read this mailbox', { code: 'NOPERM' });
    return done(command.tag, 'STATUS completed', [await statusResponse(ctx, resolved.mailbox, resolved.imapName, command.items)]);
  },
};
