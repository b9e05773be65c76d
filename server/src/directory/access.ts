// Who may do what in the directory. Three roles: a server admin sees
// everything; a domain admin sees only the domains granted to them and the
// objects in them; a user sees only their own account. Objects outside a
// caller's scope are reported as missing rather than forbidden, so that
// probing ids or addresses reveals nothing about other domains.
import type { Account } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { DomainScope } from '../store/port.ts';
import type { Actor } from './api.ts';

/** The Actor of an authenticated account: what every service call it makes carries. */
export function actorFor(account: Account, ip: string | null): Actor {
  return {
    id: account.id,
    login: account.address,
    role: account.role,
    // Grants only mean something for the domain-admin role; a demoted account keeps none.
    adminDomainIds: account.role === 'domain-admin' ? [...account.adminDomainIds] : [],
    ip,
  };
}

/** The actor used by first start, migrations and other work the server does on its own. */
export function systemActor(login: 'system' | 'cli' = 'system'): Actor {
  return { id: null, login, role: 'server-admin', adminDomainIds: [], ip: null };
}

export function isServerAdmin(actor: Actor): boolean {
  return actor.role === 'server-admin';
}

export function forbidden(detail: string): StoaError {
  return new StoaError('STOA_FORBIDDEN', detail);
}

export function notFound(what: string, key: string): StoaError {
  return new StoaError('STOA_NOT_FOUND', `${what} "${key}" does not exist`);
}

export function requireServerAdmin(actor: Actor, action: string): void {
  if (!isServerAdmin(actor)) throw forbidden(`only a server admin may ${action}`);
}

/** Admin operations are closed to plain users, whatever the object. */
export function requireAdmin(actor: Actor, action: string): void {
  if (actor.role === 'user') throw forbidden(`only an administrator may ${action}`);
}

/** Domain ids the actor may list; null for all. Users list nothing. */
export function listScope(actor: Actor, what: string): DomainScope {
  requireAdmin(actor, `list ${what}`);
  return isServerAdmin(actor) ? null : actor.adminDomainIds;
}

/** May the actor see objects of this domain (null: server-level objects such as operator accounts)? */
export function inScope(actor: Actor, domainId: string | null): boolean {
  if (isServerAdmin(actor)) return true;
  if (actor.role !== 'domain-admin' || domainId === null) return false;
  return actor.adminDomainIds.includes(domainId);
}

/**
 * Gate for creating an object in a domain. A domain admin gets FORBIDDEN for
 * every domain outside their grant, existing or not, so the answer does not
 * tell them which other domains the server hosts.
 */
export function requireCreateIn(actor: Actor, domainId: string | null, what: string): void {
  requireAdmin(actor, `create ${what}`);
  if (!inScope(actor, domainId)) throw forbidden(`you do not manage the domain of this ${what}`);
}

/**
 * Gate for reading or changing an existing object of a domain: a user gets
 * FORBIDDEN (they never see domain objects), a domain admin NOT_FOUND outside
 * their domains.
 */
export function requireVisible(actor: Actor, domainId: string | null, what: string, key: string): void {
  requireAdmin(actor, `manage ${what}s`);
  if (!inScope(actor, domainId)) throw notFound(what, key);
}

/**
 * Gate for reading an account. Users may read only themselves; for them the
 * answer is FORBIDDEN whether or not the other account exists.
 */
export function requireAccountVisible(actor: Actor, target: Account, key: string): void {
  if (actor.id !== null && actor.id === target.id) return;
  if (actor.role === 'user') throw forbidden('you may only see your own account');
  if (!inScope(actor, target.domainId)) throw notFound('account', key);
}

/**
 * Gate for changing an account (update, delete, password, app passwords).
 * A domain admin may change users of their domains and themselves, but not
 * server admins or other domain admins: otherwise resetting such an
 * account's password would hand them more rights than they were granted.
 */
export function requireAccountChangeable(actor: Actor, target: Account, key: string): void {
  requireAccountVisible(actor, target, key);
  if (actor.id !== null && actor.id === target.id) return;
  if (actor.role === 'domain-admin' && target.role !== 'user') {
    throw forbidden('a domain admin cannot change server admins or other domain admins');
  }
}

/** Fields a user may change on their own account: what they see in their mail client's settings. */
export const SELF_SERVICE_FIELDS: ReadonlySet<string> = new Set(['displayName', 'forwardTo', 'keepForwardedCopy']);
