// RFC 2595 §4 STLS: only in AUTHORIZATION and only once. After "+OK" the
// connection starts the TLS handshake and discards anything the client
// pipelined in clear text behind STLS (no command injection).
import { err, type Pop3CommandSpec } from '../context.ts';

export const stls: Pop3CommandSpec<'STLS', 'authorization'> = {
  verb: 'STLS',
  states: ['authorization'],
  handler: async (ctx) => {
    if (ctx.session.secure) return err('Already using TLS');
    if (!ctx.listener.stls) return err('STLS is not available', 'SYS/PERM');
    return { type: 'status', ok: true, text: 'Begin TLS negotiation', after: 'starttls' };
  },
};
