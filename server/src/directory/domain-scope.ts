// The domain an object lives in, checked the same way for accounts, groups,
// aliases and resources: it must exist, must not be an alias domain (objects
// live in the target, as with Kerio alias domains), and must be within the
// actor's scope.
import type { Domain } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { StoreTx } from '../store/port.ts';
import { inScope, notFound, requireCreateIn } from './access.ts';
import type { Actor } from './api.ts';
import { findDomain } from './lookup.ts';

/** The home domain for a new object at `address` (already normalised). */
export async function homeDomainFor(db: StoreTx, actor: Actor, asciiDomain: string, what: string): Promise<Domain> {
  const domain = await db.domains.getByName(asciiDomain);
  // Scope first: a domain admin learns nothing about domains they do not manage.
  requireCreateIn(actor, domain && inScope(actor, domain.id) ? domain.id : null, what);
  if (!domain) throw new StoaError('STOA_UNKNOWN_DOMAIN', `the domain "${asciiDomain}" is not served by this server`);
  if (domain.aliasOf !== null) {
    const target = await db.domains.get(domain.aliasOf);
    throw new StoaError('STOA_ALIAS_DOMAIN', `"${domain.unicodeName}" is an alias of "${target?.unicodeName ?? domain.aliasOf}"; create the ${what} there`);
  }
  return domain;
}

/** The `domain` filter of a list, as an id; NOT_FOUND for unknown or out-of-scope domains. */
export async function domainFilter(db: StoreTx, actor: Actor, name: string | undefined): Promise<string | undefined> {
  if (name === undefined || name === '') return undefined;
  const domain = await findDomain(db, name);
  if (!domain || !inScope(actor, domain.id)) throw notFound('domain', name);
  return domain.id;
}
