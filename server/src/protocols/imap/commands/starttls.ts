// RFC 9051 §6.2.1 STARTTLS: only on the cleartext listener and only once;
// the connection starts the handshake after writing the OK.
import { bad, no, type CommandSpec } from '../context.ts';

export const starttls: CommandSpec<'STARTTLS'> = {
  names: ['STARTTLS'],
  states: ['not-authenticated'],
  async handler(ctx, command) {
    if (ctx.session.secure) return bad(command.tag, 'TLS is already active');
    if (!ctx.listener.starttls) return no(command.tag, 'STARTTLS is not offered on this port', { code: 'CANNOT' });
    return { type: 'done', responses: [], final: { kind: 'tagged', tag: command.tag, status: 'OK', text: 'Begin TLS negotiation now' }, after: 'starttls' };
  },
};
