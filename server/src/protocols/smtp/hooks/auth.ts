// AUTH PLAIN / LOGIN (RFC 4954, RFC 4616) on the submission listeners,
// through the one AuthService, which holds every login rule (throttling, app
// passwords, disabled accounts, operators who have no mailbox). smtp-server
// refuses AUTH before TLS unless listeners.submission.allowPlaintextAuth is
// set (RFC 8314 §3).
import type { SMTPServerAuthentication } from 'smtp-server';
import type { HookContext } from '../smtp-context.ts';
import { SmtpReply } from '../smtp-reply.ts';

export async function onAuth(ctx: HookContext, auth: SMTPServerAuthentication): Promise<{ user: string }> {
  const { services, state } = ctx;
  if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') {
    throw new SmtpReply(504, '5.5.4', 'Unrecognized authentication type', 'syntax');
  }
  // RFC 4616 §2: an authorization identity other than the user's own would be proxy login.
  if (auth.authzid && auth.authzid !== auth.authcid && auth.authzid !== auth.username) {
    throw new SmtpReply(535, '5.7.8', 'Authorization identity not allowed', 'auth-failed');
  }
  const result = await services.auth.authenticate({
    username: auth.username ?? '',
    password: auth.password ?? '',
    protocol: 'smtp',
    ip: state.ip,
  });
  if (!result.ok) {
    if (result.code === 'STOA_AUTH_THROTTLED') {
      throw new SmtpReply(454, '4.7.0', `Too many failed logins; try again in ${result.retryAfterSeconds ?? 60} seconds`, 'auth-throttled');
    }
    // RFC 4954 §6: 454 4.7.0 "Temporary authentication failure": the directory that owns the account cannot be asked.
    if (result.code === 'STOA_AUTH_UNAVAILABLE') throw new SmtpReply(454, '4.7.0', 'Temporary authentication failure; try again later', 'temporary-failure');
    if (result.code === 'STOA_PROTOCOL_NOT_ALLOWED') throw new SmtpReply(535, '5.7.8', 'This account cannot send mail', 'auth-failed');
    throw new SmtpReply(535, '5.7.8', 'Authentication credentials invalid', 'auth-failed');
  }
  state.principal = result.actor;
  state.log = state.log.child({ user: result.account.address });
  state.log.info({ via: result.via }, 'smtp authenticated');
  return { user: result.account.address };
}
