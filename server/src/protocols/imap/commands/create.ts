// RFC 9051 §6.3.4 CREATE with RFC 6154 §3 USE (CREATE-SPECIAL-USE). Missing
// parents are created by the mail service; under "Other Users/<owner>/" the
// "k" right on the parent is needed (RFC 4314 §4).
import { SPECIAL_USES, type SpecialUse } from '../../../model/mail.ts';
import { done, no, type CommandSpec } from '../context.ts';
import { DELIMITER, creationTarget } from '../session/namespaces.ts';

export const create: CommandSpec<'CREATE', 'authenticated' | 'selected'> = {
  names: ['CREATE'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    // RFC 9051 §6.3.4: a trailing delimiter only announces that children will follow.
    const name = command.mailbox.endsWith(DELIMITER) ? command.mailbox.slice(0, -1) : command.mailbox;
    if (name.toUpperCase() === 'INBOX') return no(command.tag, 'INBOX always exists', { code: 'ALREADYEXISTS' });
    const uses = command.specialUse.map((u) => SPECIAL_USES.find((s) => s.toLowerCase() === u.toLowerCase()));
    if (uses.length > 1 || uses.some((u) => u === undefined)) return no(command.tag, 'Unsupported special-use attribute', { code: 'USEATTR' });
    const target = await creationTarget(ctx, name);
    if (target === 'invalid') return no(command.tag, `Cannot create ${name}`, { code: 'CANNOT' });
    if (target === 'forbidden') return no(command.tag, 'You may not create mailboxes there', { code: 'NOPERM' });
    await ctx.services.mailboxes.create(ctx.session.actor, target.accountId, target.path, { specialUse: (uses[0] as SpecialUse | undefined) ?? null });
    return done(command.tag, 'CREATE completed');
  },
};
