// AUTHENTICATE (RFC 5804 §2.1) with SASL PLAIN (RFC 4616) and LOGIN, only
// over TLS unless listeners.managesieve.allowPlaintextAuth. Every attempt
// goes through the directory's one authentication service (throttling, app
// passwords, disabled accounts, operators who have no mailbox). The SASL
// decoders are the front ends' shared pure wire code (protocols/wire/sasl.ts).
import type { CommandSpec, ManageSieveContext, ManageSieveReply } from '../context.ts';
import { no } from '../context.ts';
import { decodeLoginField, decodePlain, LOGIN_PASSWORD_CHALLENGE, LOGIN_USERNAME_CHALLENGE } from '../../wire/sasl.ts';

/** Failed logins on one connection before it is closed; the directory's throttle counts across connections. */
export const MAX_AUTH_FAILURES = 3;

async function logIn(ctx: ManageSieveContext, username: string, password: string): Promise<ManageSieveReply> {
  const { session, services } = ctx;
  const result = await services.auth.authenticate({ username, password, protocol: 'managesieve', ip: session.remoteAddress });
  if (!result.ok && result.code === 'STOA_AUTH_UNAVAILABLE') {
    // RFC 5804 §1.3 TRYLATER: a temporary failure; no password was judged, so no failure counts on this connection.
    ctx.logger.info({ session: session.id, username, code: result.code, ip: session.remoteAddress }, 'managesieve login failed');
    return no('Authentication is temporarily unavailable; try again later', 'TRYLATER');
  }
  if (!result.ok) {
    session.authFailures += 1;
    ctx.logger.info({ username, code: result.code }, 'managesieve login failed');
    const text = result.code === 'STOA_AUTH_THROTTLED' ? `Too many failed logins; try again in ${result.retryAfterSeconds ?? 1} seconds`
      : result.code === 'STOA_ACCOUNT_DISABLED' ? 'Account disabled'
        : result.code === 'STOA_PROTOCOL_NOT_ALLOWED' ? 'This account may not use ManageSieve' : 'Authentication failed';
    if (session.authFailures >= MAX_AUTH_FAILURES) return { type: 'response', kind: 'BYE', text: `${text}; closing`, after: 'close' };
    return no(text, result.code === 'STOA_AUTH_THROTTLED' ? 'TRYLATER' : undefined);
  }
  if (!ctx.claimSession(result.account.id)) {
    ctx.logger.info({ session: session.id, account: result.account.id }, 'managesieve login refused: too many sessions for this account from this address');
    return no('Too many sessions for this account from your address', 'TRYLATER');
  }
  session.account = result.account;
  session.actor = result.actor;
  ctx.logger = ctx.logger.child({ user: result.account.address });
  ctx.logger.info({ account: result.account.id, via: result.via }, 'managesieve login');
  return { type: 'response', kind: 'OK', text: 'Logged in' };
}

function plain(ctx: ManageSieveContext, data: Buffer): Promise<ManageSieveReply> {
  const creds = decodePlain(data);
  if (!creds.ok) return Promise.resolve(no(creds.reason));
  // RFC 4616 §2: acting as someone else is not offered.
  if (creds.authzid !== '' && creds.authzid.toLowerCase() !== creds.username.toLowerCase()) return Promise.resolve(no('Authorization identity not permitted'));
  return logIn(ctx, creds.username, creds.password);
}

const cancelled = no('Authentication cancelled');
const malformed = no('Malformed SASL response');

export const authenticate: CommandSpec<'AUTHENTICATE'> = {
  verb: 'AUTHENTICATE',
  state: 'anonymous',
  handler: async (ctx, c) => {
    if (!ctx.session.secure && !ctx.settings.allowPlaintextAuth) return no('Use STARTTLS first', 'ENCRYPT-NEEDED');
    if (c.mechanism === 'PLAIN') {
      if (c.initial !== null) {
        const raw = c.initial.toString('latin1');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw)) return malformed;
        return plain(ctx, Buffer.from(raw, 'base64'));
      }
      return {
        type: 'challenge', data: Buffer.alloc(0),
        next: async (ctx2, line) => (line.kind === 'cancel' ? cancelled : line.kind === 'bad' ? malformed : plain(ctx2, line.data)),
      };
    }
    if (c.mechanism === 'LOGIN') {
      return {
        type: 'challenge', data: LOGIN_USERNAME_CHALLENGE,
        next: async (_c, first) => {
          if (first.kind !== 'data') return first.kind === 'cancel' ? cancelled : malformed;
          const username = decodeLoginField(first.data);
          if (username === null) return malformed;
          return {
            type: 'challenge', data: LOGIN_PASSWORD_CHALLENGE,
            next: async (ctx3, second) => {
              if (second.kind !== 'data') return second.kind === 'cancel' ? cancelled : malformed;
              const password = decodeLoginField(second.data);
              return password === null ? malformed : logIn(ctx3, username, password);
            },
          };
        },
      };
    }
    return no(`Mechanism ${c.mechanism} is not supported; use PLAIN or LOGIN`);
  },
};

