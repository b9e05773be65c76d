// RFC 1939 §7 UIDL: "msg unique-id"; the id is uidValidity.uid, the same in
// every session for as long as the message stays in INBOX.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const uidl: Pop3CommandSpec<'UIDL', 'transaction'> = {
  verb: 'UIDL',
  states: ['transaction'],
  messageArgument: 'optional',
  handler: async (ctx, command) => {
    const maildrop = ctx.session.maildrop;
    if (command.msg !== null) return ok(`${command.msg} ${maildrop.uniqueId(maildrop.get(command.msg)!)}`);
    return { type: 'lines', text: 'Unique-id listing follows', lines: maildrop.live().map(([n, e]) => `${n} ${maildrop.uniqueId(e)}`) };
  },
};
