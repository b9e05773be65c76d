// The only places a session changes state (RFC 9051 §3): each transition
// sets the state together with what that state guarantees, so a handler
// typed for a state (context.ts SessionIn) can rely on its account, actor or
// selected mailbox without a non-null assertion.
import type { Account } from '../../../../../shared/src/schemas/directory.ts';
import type { Actor } from '../../../directory/api.ts';
import type { ImapSession, SessionIn } from '../context.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';

/** After a successful LOGIN or AUTHENTICATE. */
export function enterAuthenticated(session: ImapSession, account: Account, actor: Actor): void {
  Object.assign(session, { state: 'authenticated', account, actor, selected: null });
}

/** SELECT/EXAMINE succeeded (any previous mailbox was left first). */
export function enterSelected(session: SessionIn<'authenticated' | 'selected'>, selected: SelectedMailbox): void {
  Object.assign(session, { state: 'selected', selected });
}

/** CLOSE, UNSELECT, a failed SELECT, or the selected mailbox going away: back to authenticated. Returns the mailbox left. */
export function leaveSelected(session: ImapSession): SelectedMailbox | null {
  if (session.state !== 'selected') return null;
  const previous = session.selected;
  previous.close();
  Object.assign(session, { state: 'authenticated', selected: null });
  return previous;
}

/** LOGOUT, or the connection ending. */
export function enterLogout(session: ImapSession): void {
  session.selected?.close();
  Object.assign(session, { state: 'logout', selected: null });
}
