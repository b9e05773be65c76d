// HELO/EHLO policy. smtp-server answers EHLO itself and has no hook for it,
// so this check runs with the first MAIL FROM of the connection, where
// Postfix's reject_invalid_helo_hostname also acts (at MAIL/RCPT time, which
// keeps the client talking long enough to log what it wanted).
import type { HookContext } from '../smtp-context.ts';
import { SmtpReply } from '../smtp-reply.ts';

// RFC 5321 §4.1.1.1: a domain, or an address literal ("[192.0.2.1]", "[IPv6:…]").
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const ADDRESS_LITERAL = /^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]$/;

export function validHeloName(name: string): boolean {
  return DOMAIN.test(name) || ADDRESS_LITERAL.test(name);
}

export function checkHelo(ctx: HookContext): void {
  const name = String(ctx.session.hostNameAppearsAs || '');
  if (!validHeloName(name)) {
    throw new SmtpReply(501, '5.5.2', 'HELO/EHLO name is not a valid domain or address literal', 'syntax');
  }
}
