// Wires the directory services over one store. Everything above the store
// (admin API, CLI, protocols) receives the Directory, never the store.
import type { Account } from '../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../config/types.ts';
import type { Store } from '../store/port.ts';
import { createAccountService } from './account-service.ts';
import { createAddressService } from './address-service.ts';
import { createAliasService } from './alias-service.ts';
import type { Actor, Directory } from './api.ts';
import { createAppPasswordService } from './app-password-service.ts';
import { createAuditService } from './audit-service.ts';
import { createAuthService } from './auth-service.ts';
import { createCredentialService } from './credential-service.ts';
import type { DirectoryContext } from './context.ts';
import { createDomainService } from './domain-service.ts';
import { createGroupService } from './group-service.ts';
import { createOperatorService } from './operator-service.ts';
import { createResourceService } from './resource-service.ts';

export interface DirectoryOptions {
  /** Clock in ms since the epoch; tests move it to exercise throttling. */
  now?: () => number;
}

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

export function createDirectory(store: Store, config: StoaConfig, options: DirectoryOptions = {}): Directory {
  const ctx: DirectoryContext = { store, config, now: options.now ?? Date.now };
  return {
    domains: createDomainService(ctx),
    accounts: createAccountService(ctx),
    groups: createGroupService(ctx),
    aliases: createAliasService(ctx),
    resources: createResourceService(ctx),
    appPasswords: createAppPasswordService(ctx),
    audit: createAuditService(ctx),
    operators: createOperatorService(ctx),
    addresses: createAddressService(ctx),
    auth: createAuthService(ctx),
    credentials: createCredentialService(ctx),
    async housekeeping() {
      const now = ctx.now();
      return {
        throttleEntriesPruned: await store.throttle.prune(now - config.auth.throttle.windowMs),
        credentialsExpired: await store.credentials.deleteExpired(new Date(now).toISOString()),
      };
    },
    actorFor,
  };
}
