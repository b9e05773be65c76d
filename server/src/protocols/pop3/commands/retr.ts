// RFC 1939 §5 RETR: the whole message, streamed from its blob with CRLF line
// endings and byte-stuffing (wire/message-encoder.ts).
import type { Pop3CommandSpec } from '../context.ts';

export const retr: Pop3CommandSpec<'RETR', 'transaction'> = {
  verb: 'RETR',
  states: ['transaction'],
  messageArgument: 'required',
  handler: async (ctx, command) => {
    const maildrop = ctx.session.maildrop;
    const entry = maildrop.get(command.msg)!;
    // Applied at QUIT with the deletions (maildrop.ts); TOP marks nothing (RFC 1939 §7 leaves TOP read-only).
    maildrop.markRetrieved(command.msg);
    return { type: 'message', text: `${entry.size} octets`, open: () => maildrop.open(entry), bodyLines: null };
  },
};
