// The one gate before every handler: parse errors, state, plaintext
// credentials, message numbers and the bad-command counter are checked here
// and nowhere else; handlers assume a valid, permitted command.
import { isStoaError } from '../../../errors/catalogue.ts';
import { faultText, newReference } from '../../../errors/incident.ts';
import { COMMANDS } from '../commands/registry.ts';
import { err, type Pop3Context, type Pop3Reply } from '../context.ts';
import type { ParseResult, Pop3Command } from '../wire/command-types.ts';

/** Bad commands (unknown, malformed, wrong state) before the connection is closed. */
export const MAX_BAD_COMMANDS = 10;

function bad(ctx: Pop3Context, text: string): Pop3Reply {
  ctx.session.badCommands += 1;
  if (ctx.session.badCommands >= MAX_BAD_COMMANDS) return { type: 'status', ok: false, text: `${text}; too many bad commands, closing`, after: 'close' };
  return err(text);
}

function checkMessage(ctx: Pop3Context, command: Pop3Command, mode: 'required' | 'optional'): Pop3Reply | null {
  const msg = 'msg' in command ? command.msg : null;
  if (msg === null) return mode === 'required' ? bad(ctx, 'A message number is required') : null;
  const maildrop = ctx.session.maildrop!;
  if (maildrop.isDeleted(msg)) return err(`Message ${msg} already deleted`);
  if (maildrop.get(msg) === null) return err(`No such message, only ${maildrop.count} in maildrop`);
  return null;
}

export async function dispatch(ctx: Pop3Context, parsed: ParseResult): Promise<Pop3Reply> {
  if (!parsed.ok) return bad(ctx, parsed.error.message);
  const { command } = parsed;
  const spec = COMMANDS.get(command.verb);
  if (!spec) return bad(ctx, 'Unknown command');
  const { session } = ctx;
  if (!spec.states.includes(session.state)) {
    return bad(ctx, session.state === 'authorization' ? 'Log in first' : `${command.verb} is not valid after login`);
  }
  // RFC 2595 §4 / RFC 8314: no password in clear unless the admin allowed it for this listener.
  if (spec.sendsCredentials && !session.secure && !ctx.listener.allowPlaintextAuth) {
    return err('Plaintext authentication disallowed on non-secure connections; use STLS first', 'AUTH');
  }
  if (spec.messageArgument) {
    const refused = checkMessage(ctx, command, spec.messageArgument);
    if (refused) return refused;
  }
  if (session.maildrop?.lock.lost && session.state === 'transaction' && command.verb !== 'QUIT') {
    return { type: 'status', ok: false, code: 'SYS/TEMP', text: 'Maildrop lock lost; closing', after: 'close' };
  }
  try {
    return await spec.handler(ctx, command);
  } catch (e) {
    return failure(ctx, e);
  }
}

/**
 * A handler or a SASL step threw: say so without detail, and keep the session
 * usable. The answer carries a reference id that the log line shares
 * (errors/incident.ts); the client never sees the detail.
 */
export function failure(ctx: Pop3Context, e: unknown): Pop3Reply {
  const ref = newReference();
  if (isStoaError(e, 'STOA_STORE_UNAVAILABLE')) {
    ctx.logger.warn({ err: e, ref }, 'pop3 command: store unavailable');
    return err(faultText('Temporary server problem; try again later', ref), 'SYS/TEMP');
  }
  ctx.logger.error({ err: e, ref }, 'pop3 command failed');
  return err(faultText('Internal server error', ref), 'SYS/TEMP');
}
