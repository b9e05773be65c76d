// CAPABILITY (RFC 9051 §6.1.1) as the session's state allows: before login
// only what is needed to get logged in safely (RFC 9051 §6.2.3 LOGINDISABLED,
// RFC 4959 SASL-IR); after login every extension this front end implements
// (docs/imap.md lists them with their files).
import type { ImapContext } from '../context.ts';

/** RFC 4314 §2.1.1 RIGHTS=: the rights beyond the RFC 2086 set that this server names. */
export const RIGHTS_CAPABILITY = 'RIGHTS=texk';

const AFTER_LOGIN = [
  'LITERAL+', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'CREATE-SPECIAL-USE',
  'CONDSTORE', 'QRESYNC', 'UNSELECT', 'CHILDREN', 'LIST-EXTENDED', 'LIST-STATUS', 'STATUS=SIZE',
  'ESEARCH', 'SEARCHRES', 'SORT', 'SORT=DISPLAY', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES', 'QUOTA', 'QUOTA=RES-STORAGE',
  'QUOTA=RES-MESSAGE', 'ACL', RIGHTS_CAPABILITY, 'MULTIAPPEND', 'BINARY', 'OBJECTID', 'WITHIN', 'UTF8=ACCEPT', 'SAVEDATE',
] as const;

/** Whether credentials may be sent on this connection now (RFC 9051 §6.2.3, RFC 8314). */
export function plaintextAllowed(ctx: ImapContext): boolean {
  return ctx.session.secure || ctx.listener.allowPlaintextAuth;
}

export function capabilities(ctx: ImapContext): string[] {
  const { session } = ctx;
  const caps = ['IMAP4rev1', 'IMAP4rev2'];
  if (session.state === 'not-authenticated') {
    if (!session.secure && ctx.listener.starttls) caps.push('STARTTLS');
    if (plaintextAllowed(ctx)) caps.push('AUTH=PLAIN', 'AUTH=LOGIN', 'SASL-IR');
    else caps.push('LOGINDISABLED');
    caps.push('LITERAL+', 'ID', 'ENABLE');
    return caps;
  }
  caps.push(...AFTER_LOGIN, `APPENDLIMIT=${ctx.settings.appendLimit}`);
  // RFC 4978 §3: not offered again once compression is on.
  if (!session.compressed) caps.push('COMPRESS=DEFLATE');
  return caps;
}
