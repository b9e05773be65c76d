// STARTTLS (RFC 5804 §2.2): OK, then the TLS handshake; the connection sends
// the capabilities again once it is secure. Offered only before TLS and login.
import type { CommandSpec } from '../context.ts';
import { no } from '../context.ts';

export const starttls: CommandSpec<'STARTTLS'> = {
  verb: 'STARTTLS',
  state: 'anonymous',
  handler: async (ctx) => {
    if (ctx.session.secure) return no('TLS is already active');
    if (!ctx.settings.starttls) return no('STARTTLS is not available');
    return { type: 'response', kind: 'OK', text: 'Begin TLS negotiation now', after: 'starttls' };
  },
};
