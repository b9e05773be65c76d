// MAIL FROM (RFC 5321 §4.1.1.2): starts a transaction. smtp-server has checked
// the syntax and the ESMTP parameters (SIZE against smtp.maxMessageBytes,
// BODY, SMTPUTF8, RET, ENVID); here: the HELO name, then the intake's sender
// rules (on submission: the address is the user's, RFC 6409 §6.1, and the
// user's sending rate).
import type { SMTPServerAddress } from 'smtp-server';
import type { HookContext } from '../smtp-context.ts';
import { SmtpReply } from '../smtp-reply.ts';
import { reverseNameWithin } from '../reverse-name.ts';
import { checkHelo } from './helo.ts';
import { originOf } from './origin.ts';

export async function onMailFrom(ctx: HookContext, from: SMTPServerAddress): Promise<void> {
  const { services, state, session } = ctx;
  state.tx = null;
  checkHelo(ctx);
  const sender = from.address;
  const size = from.args && typeof from.args.SIZE === 'string' ? Number(from.args.SIZE) : null;
  if (state.listener !== 'smtp' && !state.principal) throw new SmtpReply(530, '5.7.0', 'Authentication required', 'auth-required');
  // The filter's reverse-DNS check runs now (HELO stage): give a lookup still under way a moment.
  await reverseNameWithin(state.reverse);
  await services.intake.checkSender({ principal: state.principal, origin: originOf(ctx), sender });
  state.tx = { sender, declaredSize: size, plans: new Map() };
  state.log.debug({ sender, size, body: session.envelope.bodyType, smtputf8: session.envelope.smtpUtf8 === true }, 'smtp sender accepted');
}
