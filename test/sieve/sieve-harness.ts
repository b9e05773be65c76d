// Actors for Sieve tests, built the way the directory builds them after a login.
import type { Account } from '../../shared/src/schemas/directory.ts';
import type { Actor } from '../../server/src/directory/api.ts';

export function directoryActor(account: Pick<Account, 'id' | 'address' | 'role' | 'adminDomainIds'>): Actor {
  return { id: account.id, login: account.address, role: account.role, adminDomainIds: account.adminDomainIds, ip: '127.0.0.1' };
}
