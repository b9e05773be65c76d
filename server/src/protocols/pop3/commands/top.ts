// RFC 1939 §7 TOP msg n: the header, the blank line, then n body lines; the
// blob is read only as far as needed.
import type { Pop3CommandSpec } from '../context.ts';

export const top: Pop3CommandSpec<'TOP', 'transaction'> = {
  verb: 'TOP',
  states: ['transaction'],
  messageArgument: 'required',
  handler: async (ctx, command) => {
    const maildrop = ctx.session.maildrop;
    const entry = maildrop.get(command.msg)!;
    return { type: 'message', text: 'Top of message follows', open: () => maildrop.open(entry), bodyLines: command.lines };
  },
};
