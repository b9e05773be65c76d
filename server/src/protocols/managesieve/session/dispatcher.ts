// The one gate before every ManageSieve handler: syntax, state, abuse
// counters; then the handler, whose StoaErrors become NO responses with the
// RFC 5804 §1.3 response code that fits.
import { isStoaError } from '../../../errors/catalogue.ts';
import { faultText, isServerFault, newReference } from '../../../errors/incident.ts';
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

/** A handler threw: client errors by their RFC 5804 code; server faults by a reference id only (errors/incident.ts). */
export function failure(ctx: ManageSieveContext, err: unknown): ManageSieveReply {
  if (isStoaError(err) && !isServerFault(err)) {
    const text = err.detail ?? err.message;
    switch (err.code) {
      case 'STOA_NOT_FOUND': return no(text, 'NONEXISTENT');
      case 'STOA_CONFLICT': return no(text, 'ALREADYEXISTS');
      case 'STOA_SIEVE_ACTIVE': return no(text, 'ACTIVE');
      case 'STOA_SIEVE_QUOTA': return no(text, /MAXSCRIPTS/.test(text) ? 'QUOTA/MAXSCRIPTS' : /MAXSIZE/.test(text) ? 'QUOTA/MAXSIZE' : 'QUOTA');
      case 'STOA_SIEVE_INVALID': return no(text);
      case 'STOA_FORBIDDEN': return no(text);
      default: return no(err.message);
    }
  }
  const ref = newReference();
  if (isStoaError(err, 'STOA_STORE_UNAVAILABLE')) {
    ctx.logger.warn({ err, ref, session: ctx.session.id }, 'managesieve command: store unavailable');
    return no(faultText('Temporary failure; try again later', ref), 'TRYLATER');
  }
  ctx.logger.error({ err, ref, session: ctx.session.id }, 'managesieve command failed');
  return no(faultText('Internal error', ref), 'TRYLATER');
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
