// The only places a POP3 session changes state (RFC 1939 §3): each
// transition sets the state together with what it guarantees, so a handler
// typed for TRANSACTION (context.ts Pop3SessionIn) has its actor and
// maildrop without a non-null assertion.
import type { Actor } from '../../../directory/api.ts';
import type { Pop3Session, Pop3SessionIn } from '../context.ts';
import type { Maildrop } from './maildrop.ts';

/** A successful login with the maildrop locked and snapshotted. */
export function enterTransaction(session: Pop3Session, actor: Actor, maildrop: Maildrop): void {
  Object.assign(session, { state: 'transaction', actor, maildrop });
}

/** QUIT in TRANSACTION (RFC 1939 §6). */
export function enterUpdate(session: Pop3SessionIn<'transaction'>): void {
  Object.assign(session, { state: 'update' });
}

/** The connection is gone: the maildrop (and its lock) is let go; returns it for release. */
export function dropMaildrop(session: Pop3Session): Maildrop | null {
  if (session.state === 'authorization') return null;
  const { maildrop } = session;
  Object.assign(session, { state: 'authorization', actor: null, maildrop: null });
  return maildrop;
}
