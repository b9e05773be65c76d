// RFC 9051 §6.3.12 APPEND with RFC 3502 MULTIAPPEND (all or nothing),
// RFC 4315 APPENDUID, RFC 7889 APPENDLIMIT (the reader refuses larger
// literals with TOOBIG), RFC 3516 literal8 and RFC 6855 UTF8 (). Large
// literals were spooled to disk as they arrived and are streamed from there
// into the mail service; small ones are in memory. Needs the "i" right;
// flags the client may not set are dropped (RFC 4314 §4).
import type { AppendInput } from '../../../mail/api.ts';
import { done, no, type CommandSpec } from '../context.ts';
import { resolveMailbox } from '../session/namespaces.ts';

function allowedFlags(flags: readonly string[] | null, rights: string): string[] {
  return (flags ?? []).filter((flag) => {
    const f = flag.toLowerCase();
    if (f === '\\recent') return false;
    if (f === '\\seen') return rights.includes('s');
    if (f === '\\deleted') return rights.includes('t');
    return rights.includes('w');
  });
}

export const append: CommandSpec<'APPEND', 'authenticated' | 'selected'> = {
  names: ['APPEND'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const target = await resolveMailbox(ctx, command.mailbox);
    // RFC 9051 §6.3.12: TRYCREATE when the mailbox does not exist.
    if (!target) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'TRYCREATE' });
    if (!target.rights.includes('i')) return no(command.tag, 'You may not add messages to this mailbox', { code: 'NOPERM' });
    const inputs: AppendInput[] = command.messages.map((message) => ({
      source: Buffer.isBuffer(message.data) ? message.data : ctx.literals.open(message.data.index),
      flags: allowedFlags(message.flags, target.rights),
      ...(message.date ? { internalDate: message.date.toISOString() } : {}),
    }));
    for (const message of command.messages) {
      const size = Buffer.isBuffer(message.data) ? message.data.length : message.data.size;
      if (size === 0) return no(command.tag, 'Empty message', { code: 'CANNOT' });
    }
    const result = inputs.length === 1
      ? await ctx.services.messages.append(ctx.session.actor, target.mailbox.id, inputs[0])
      : await ctx.services.messages.appendMany(ctx.session.actor, target.mailbox.id, inputs);
    return done(command.tag, 'APPEND completed', [], { code: 'APPENDUID', uidValidity: result.uidValidity, uids: result.uids });
  },
};
