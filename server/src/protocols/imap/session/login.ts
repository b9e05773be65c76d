// The end of every login path (LOGIN, AUTHENTICATE PLAIN and LOGIN): one
// call to the directory's AuthService, which holds every login rule
// (throttling, app passwords, disabled accounts, who may use IMAP), then the
// default mailboxes. RFC 5530 response codes: AUTHENTICATIONFAILED for
// credentials, UNAVAILABLE while throttled or while the directory that owns
// the account cannot be asked, AUTHORIZATIONFAILED for an account that may
// not use mail.
import type { ImapContext, ImapReply } from '../context.ts';
import { capabilities } from './capabilities.ts';
import { enterAuthenticated } from './session-state.ts';

/** Failed logins on one connection before it is closed; the store-backed throttle counts across connections. */
export const MAX_AUTH_FAILURES = 3;

function refuse(ctx: ImapContext, tag: string, code: 'AUTHENTICATIONFAILED' | 'UNAVAILABLE' | 'AUTHORIZATIONFAILED', text: string): ImapReply {
  ctx.session.authFailures += 1;
  const final = { kind: 'tagged' as const, tag, status: 'NO' as const, code: { code }, text };
  if (ctx.session.authFailures >= MAX_AUTH_FAILURES) {
    return { type: 'done', responses: [final], final: { kind: 'untagged', status: 'BYE', text: 'Too many failed logins' }, after: 'close' };
  }
  return { type: 'done', responses: [], final };
}

export async function logIn(ctx: ImapContext, tag: string, username: string, password: string): Promise<ImapReply> {
  const { session, services } = ctx;
  const result = await services.auth.authenticate({ username, password, protocol: 'imap', ip: session.remoteAddress });
  if (!result.ok) {
    ctx.logger.info({ username, code: result.code }, 'imap login failed');
    if (result.code === 'STOA_AUTH_THROTTLED') return refuse(ctx, tag, 'UNAVAILABLE', `Too many failed logins; try again in ${result.retryAfterSeconds ?? 1} seconds`);
    if (result.code === 'STOA_ACCOUNT_DISABLED') return refuse(ctx, tag, 'AUTHORIZATIONFAILED', 'Account disabled');
    if (result.code === 'STOA_PROTOCOL_NOT_ALLOWED') return refuse(ctx, tag, 'AUTHORIZATIONFAILED', 'This account may not use IMAP');
    // RFC 5530 §3 UNAVAILABLE: a temporary failure the client may retry; no password was judged, so it is no failed login here either.
    if (result.code === 'STOA_AUTH_UNAVAILABLE') {
      return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'NO', code: { code: 'UNAVAILABLE' }, text: 'Authentication is temporarily unavailable; try again later' } };
    }
    return refuse(ctx, tag, 'AUTHENTICATIONFAILED', 'Authentication failed');
  }
  const { account, actor } = result;
  if (!ctx.claimSession(account.id)) {
    // Dovecot's mail_max_userip_connections: a client that leaks connections must not starve the server.
    ctx.logger.info({ account: account.id }, 'imap login refused: too many sessions for this account from this address');
    return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'NO', code: { code: 'LIMIT' }, text: 'Too many sessions for this account from your address; close some and try again' } };
  }
  await services.mailboxes.ensureDefaultMailboxes(actor, account.id);
  enterAuthenticated(session, account, actor);
  ctx.logger = ctx.logger.child({ user: account.address });
  // A password change, or the account being disabled or deleted, ends this session.
  ctx.watchLogin({ accountId: account.id, passwordSetAt: account.passwordSetAt, ...(result.appPasswordId ? { appPasswordId: result.appPasswordId } : {}) });
  ctx.logger.info({ account: account.id, via: result.via }, 'imap login');
  // RFC 9051 §6.2.2: the capabilities may change after login, so they ride on the OK.
  return {
    type: 'done', responses: [],
    final: { kind: 'tagged', tag, status: 'OK', code: { code: 'CAPABILITY', capabilities: capabilities(ctx) }, text: 'Logged in' },
  };
}
