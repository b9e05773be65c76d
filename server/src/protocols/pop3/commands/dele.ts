// RFC 1939 §5 DELE: marks only; QUIT applies the marks (UPDATE state).
import { ok, type Pop3CommandSpec } from '../context.ts';

export const dele: Pop3CommandSpec<'DELE', 'transaction'> = {
  verb: 'DELE',
  states: ['transaction'],
  messageArgument: 'required',
  handler: async (ctx, command) => {
    ctx.session.maildrop.markDeleted(command.msg);
    return ok(`Message ${command.msg} deleted`);
  },
};
