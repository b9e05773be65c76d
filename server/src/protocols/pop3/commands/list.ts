// RFC 1939 §5 LIST: "msg octets" for one message or every live one.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const list: Pop3CommandSpec<'LIST', 'transaction'> = {
  verb: 'LIST',
  states: ['transaction'],
  messageArgument: 'optional',
  handler: async (ctx, command) => {
    const maildrop = ctx.session.maildrop;
    if (command.msg !== null) return ok(`${command.msg} ${maildrop.get(command.msg)!.size}`);
    const { count, octets } = maildrop.stat();
    return { type: 'lines', text: `${count} messages (${octets} octets)`, lines: maildrop.live().map(([n, e]) => `${n} ${e.size}`) };
  },
};
