// MAIL FROM (RFC 5321 §4.1.1.2): starts a transaction. smtp-server has checked
// the syntax and the ESMTP parameters (SIZE against smtp.maxMessageBytes,
// BODY, SMTPUTF8, RET, ENVID); here: the HELO name, on submission that the
// sender belongs to the authenticated user (RFC 6409 §6.1); then the filter
// pipeline's HELO stage (once per connection) and MAIL stage (the
// submission rate limit, an account locked after outbound spam).
import type { SMTPServerAddress } from 'smtp-server';
import type { HookContext } from '../smtp-context.ts';
import { mayUseAddress } from '../sender-identity.ts';
import { SmtpReply, enforceDecision } from '../smtp-reply.ts';
import { checkHelo } from './helo.ts';

export async function onMailFrom(ctx: HookContext, from: SMTPServerAddress): Promise<void> {
  const { services, state, session } = ctx;
  state.tx = null;
  checkHelo(ctx);
  const sender = from.address;
  const size = from.args && typeof from.args.SIZE === 'string' ? Number(from.args.SIZE) : null;

  if (state.listener !== 'smtp') {
    const account = state.account;
    if (!account) throw new SmtpReply(530, '5.7.0', 'Authentication required', 'auth-required');
    // The null sender (auto-replies, RFC 3834 §3.3) names nobody, so it impersonates nobody.
    if (sender !== '' && !await mayUseAddress(services.directory, account, sender)) {
      throw new SmtpReply(553, '5.7.1', `Sender address <${sender}> is not yours`, 'sender-not-owned');
    }
  }
  const connection = state.filter!;
  connection.helo = String(session.hostNameAppearsAs || '');
  if (state.account) connection.account = { id: state.account.id, address: state.account.address };
  if (!state.heloChecked) {
    // Marked only once passed: a client refused here is refused again at its next MAIL FROM.
    enforceDecision(await services.filter.runStage('helo', connection));
    state.heloChecked = true;
  }
  const filter = services.filter.transaction(connection);
  filter.sender = sender;
  enforceDecision(await services.filter.runStage('mail', filter));
  state.tx = { sender, declaredSize: size, plans: new Map(), filter };
  state.log.debug({ sender, size, body: session.envelope.bodyType, smtputf8: session.envelope.smtpUtf8 === true }, 'smtp sender accepted');
}
