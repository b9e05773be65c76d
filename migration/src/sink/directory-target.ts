// Source identities become Stoa accounts through the directory's account
// service, acting as whoever started the import: a domain admin can only
// import into (and create accounts in) the domains granted to them, and every
// account created gets its audit entry like one made in the console.
import type { Actor, AccountService } from '../../../server/src/directory/api.ts';
import { isStoaError } from '../../../server/src/errors/catalogue.ts';
import type { TargetDirectory } from './import-sink.ts';

export function createDirectoryTarget(accounts: AccountService, actor: Actor): TargetDirectory {
  return {
    async find(address) {
      try {
        const account = await accounts.get(actor, address);
        return { id: account.id, address: account.address };
      } catch (err) {
        if (isStoaError(err, 'STOA_NOT_FOUND')) return null;
        throw err;
      }
    },
    async create(address, options) {
      const account = await accounts.create(actor, {
        address,
        ...(options.displayName ? { displayName: options.displayName } : {}),
        ...(options.password ? { password: options.password } : {}),
        ...(options.quotaBytes !== undefined ? { quotaBytes: options.quotaBytes } : {}),
      });
      return { id: account.id, address: account.address };
    },
  };
}
