// The one gate before every ManageSieve handler: syntax, state, abuse
// counters; then the handler, whose StoaErrors become NO responses with the
// RFC 5804 §1.3 response code that fits.
import { isStoaError } from '../../../errors/catalogue.ts';
import { COMMANDS } from '../commands/registry.ts';
import type { ManageSieveContext, ManageSieveReply } from '../context.ts';
import { no } from '../context.ts';
import type { ParsedCommand } from '../wire/parse-command.ts';

/** Bad commands on one connection before it is closed. */
export const MAX_BAD_COMMANDS = 10;

function bad(ctx: ManageSieveContext, text: string): ManageSieveReply {
  ctx.session.badCommands += 1;
  if (ctx.session.badCommands >= MAX_BAD_COMMANDS) return { type: 'response', kind: 'BYE', text: 'Too many bad commands; closing', after: 'close' };
  return no(text);
}

export function failure(ctx: ManageSieveContext, err: unknown): ManageSieveReply {
  if (isStoaError(err)) {
    const text = err.detail ?? err.message;
    switch (err.code) {
      case 'STOA_NOT_FOUND': return no(text, 'NONEXISTENT');
      case 'STOA_CONFLICT': return no(text, 'ALREADYEXISTS');
      case 'STOA_SIEVE_ACTIVE': return no(text, 'ACTIVE');
      case 'STOA_SIEVE_QUOTA': return no(text, /MAXSCRIPTS/.test(text) ? 'QUOTA/MAXSCRIPTS' : /MAXSIZE/.test(text) ? 'QUOTA/MAXSIZE' : 'QUOTA');
      case 'STOA_SIEVE_INVALID': return no(text);
      case 'STOA_STORE_UNAVAILABLE': return no('Temporary failure; try again later', 'TRYLATER');
      case 'STOA_FORBIDDEN': return no(text);
      default: return no(err.message);
    }
  }
  ctx.logger.error({ err, session: ctx.session.id }, 'managesieve command failed');
  return no('Internal error', 'TRYLATER');
}

export async function dispatch(ctx: ManageSieveContext, parsed: ParsedCommand): Promise<ManageSieveReply> {
  if (!parsed.ok) return bad(ctx, parsed.message);
  const spec = COMMANDS.get(parsed.command.verb);
  if (spec === undefined) return bad(ctx, 'Unknown command');
  const authenticated = ctx.session.account !== null;
  if (spec.state === 'authenticated' && !authenticated) return bad(ctx, 'Authenticate first');
  if (spec.state === 'anonymous' && authenticated) return bad(ctx, 'Already authenticated');
  try {
    return await spec.handler(ctx, parsed.command as never);
  } catch (err) {
    return failure(ctx, err);
  }
}
