// RFC 2449 §5 CAPA: what this session may use now. Before TLS on a listener
// that refuses plaintext passwords, USER and SASL are left out, so clients
// upgrade with STLS first (RFC 2595 §4) instead of failing a login.
import type { Pop3CommandSpec, Pop3Context } from '../context.ts';
import { SASL_MECHANISMS } from '../../wire/sasl.ts';

/** Whether a password may be sent on this connection now. */
export const credentialsAllowed = (ctx: Pop3Context): boolean => ctx.session.secure || ctx.listener.allowPlaintextAuth;

export function capabilities(ctx: Pop3Context): string[] {
  const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  if (ctx.session.state === 'authorization') {
    if (!ctx.session.secure && ctx.listener.stls) caps.push('STLS');
    if (credentialsAllowed(ctx)) caps.push('USER', `SASL ${SASL_MECHANISMS.join(' ')}`);
    // RFC 6856 §2: "UTF8 USER" also accepts UTF-8 in USER/PASS.
    caps.push('UTF8 USER');
  }
  // RFC 2449 §6.7 EXPIRE NEVER: the server never removes messages on its own.
  caps.push('EXPIRE NEVER', 'IMPLEMENTATION Stoa');
  return caps;
}

export const capa: Pop3CommandSpec<'CAPA', 'authorization' | 'transaction'> = {
  verb: 'CAPA',
  states: ['authorization', 'transaction'],
  handler: async (ctx) => ({ type: 'lines', text: 'Capability list follows', lines: capabilities(ctx) }),
};
