// The end of every login path (USER/PASS, AUTH PLAIN, AUTH LOGIN): one call
// to the directory's AuthService, which holds every login rule (throttling,
// app passwords, disabled accounts, operators who have no mailbox), then the
// maildrop lock and the INBOX snapshot. RFC 3206 codes:
// [AUTH] for credentials, [IN-USE] for the lock, [SYS/TEMP] when the store
// or the directory that owns the account is down, or the login is throttled
// (RFC 3206 §4: temporary, "no need to alarm the user"; [AUTH] would make a
// client ask again for a password that may well be right, during someone
// else's guessing attack).
import { err, type Pop3Context, type Pop3Reply } from '../context.ts';
import { Maildrop } from './maildrop.ts';
import { enterTransaction } from './session-state.ts';

/** Failed logins on one connection before it is closed; the store-backed throttle counts across connections. */
export const MAX_AUTH_FAILURES = 3;

export async function logIn(ctx: Pop3Context, username: string, password: string): Promise<Pop3Reply> {
  const { session, services } = ctx;
  session.pendingUser = null;
  const result = await services.auth.authenticate({ username, password, protocol: 'pop3', ip: session.remoteAddress });
  if (!result.ok && result.code === 'STOA_AUTH_UNAVAILABLE') {
    // RFC 3206 §4 SYS/TEMP: a temporary problem, not the user's credentials; no password was judged, so no failure counts.
    ctx.logger.info({ username, code: result.code }, 'pop3 login failed');
    return { type: 'status', ok: false, code: 'SYS/TEMP', text: 'Authentication is temporarily unavailable; try again later' };
  }
  if (!result.ok) {
    session.authFailures += 1;
    const close = session.authFailures >= MAX_AUTH_FAILURES;
    const text = result.code === 'STOA_AUTH_THROTTLED'
      ? `Too many failed logins; try again in ${result.retryAfterSeconds ?? 1} seconds`
      : result.code === 'STOA_ACCOUNT_DISABLED' ? 'Account disabled'
        : result.code === 'STOA_PROTOCOL_NOT_ALLOWED' ? 'This account may not use POP3' : 'Authentication failed';
    ctx.logger.info({ username, code: result.code }, 'pop3 login failed');
    const code = result.code === 'STOA_AUTH_THROTTLED' ? 'SYS/TEMP' : 'AUTH';
    return { type: 'status', ok: false, code, text: close ? `${text}; closing` : text, ...(close ? { after: 'close' as const } : {}) };
  }
  const { account, actor } = result;
  const lock = await services.maildrops.acquire(actor, account.id, session.id);
  if (!lock) return err('Mailbox is locked by another session', 'IN-USE');
  let maildrop: Maildrop;
  try {
    maildrop = await Maildrop.open(services, actor, account.id, lock);
  } catch (e) {
    await lock.release().catch(() => undefined);
    throw e;
  }
  enterTransaction(session, actor, maildrop);
  ctx.logger = ctx.logger.child({ user: account.address });
  // A password change, or the account being disabled or deleted, ends this session.
  ctx.watchLogin({ accountId: account.id, passwordSetAt: account.passwordSetAt, ...(result.appPasswordId ? { appPasswordId: result.appPasswordId } : {}) });
  const { count, octets } = maildrop.stat();
  ctx.logger.info({ account: account.id, via: result.via, messages: count }, 'pop3 login');
  return { type: 'status', ok: true, text: `Logged in; ${count} messages (${octets} octets)` };
}
