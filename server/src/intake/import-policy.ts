// Who may import mail into whose mailboxes (issue 15): the migration tool
// writes old mail into users' folders with their original dates and flags,
// which nobody but the owner's administrators may do. Asked by the intake
// for every message of origin 'import' and by the import service
// (migration-jobs/import-service.ts) for every folder it makes, lists or
// reads, so a caller that skips one still meets the other.
//
//   - the server itself (systemActor, the CLI) and server admins: anyone;
//   - a domain admin: the users and shared mailboxes of their domains, and
//     themselves; never another admin of the domain (that would let them
//     plant mail in a mailbox with more rights than theirs);
//   - users: nobody, not even themselves (an import is an admin's job: it
//     runs with the server's resources and writes past the rules).
// Outside a domain admin's scope the owner answers as missing, as
// everywhere in the directory.
import type { Actor } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';

/** The owner of a mailbox tree as the policy sees it: an account (with its role) or a shared mailbox (role null). */
export interface ImportOwner {
  id: string;
  domainId: string | null;
  /** The account's role; null for a shared mailbox. */
  role: Actor['role'] | null;
}

export function requireImportInto(actor: Actor, owner: ImportOwner): void {
  if (actor.id === null || actor.role === 'server-admin') return;
  if (actor.role !== 'domain-admin') throw new StoaError('STOA_FORBIDDEN', 'only administrators import mail');
  if (owner.domainId === null || !actor.adminDomainIds.includes(owner.domainId)) throw new StoaError('STOA_NOT_FOUND', `mailbox owner ${owner.id}`);
  if (owner.id !== actor.id && owner.role !== null && owner.role !== 'user') {
    throw new StoaError('STOA_FORBIDDEN', 'a domain admin imports only into users and shared mailboxes of their domains');
  }
}
