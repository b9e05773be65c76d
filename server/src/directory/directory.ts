// Wires the directory services over one store. Everything above the store
// (admin API, CLI, protocols) receives the Directory, never the store.
import type { StoaConfig } from '../config/types.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/port.ts';
import { createAccountService } from './account-service.ts';
import { createShareTargetService } from './share-targets.ts';
import { createAddressService } from './address-service.ts';
import { createAliasService } from './alias-service.ts';
import type { Directory } from './api.ts';
import { actorFor } from './access.ts';
import { createAppPasswordService } from './app-password-service.ts';
import { createAuditService } from './audit-service.ts';
import { createAuthService } from './auth-service.ts';
import { createCredentialService } from './credential-service.ts';
import type { DirectoryContext } from './context.ts';
import { createDomainService } from './domain-service.ts';
import { createGroupService } from './group-service.ts';
import { createOperatorService } from './operator-service.ts';
import { createResourceService } from './resource-service.ts';
import { createMailboxGrantService } from './mailbox-grant-service.ts';
import { createSharedMailboxService } from './shared-mailbox-service.ts';

export interface DirectoryOptions {
  /** Clock in ms since the epoch; tests move it to exercise throttling. */
  now?: () => number;
  /** Where account events (password changed, disabled, deleted) are published. */
  bus?: ChangeBus;
  onAuthAttempt?: DirectoryContext['onAuthAttempt'];
  onPasswordCheck?: DirectoryContext['onPasswordCheck'];
  onDomainCreated?: DirectoryContext['onDomainCreated'];
}

export { actorFor };

export function createDirectory(store: Store, config: Pick<StoaConfig, 'auth' | 'mail' | 'directory'>, options: DirectoryOptions = {}): Directory {
  const ctx: DirectoryContext = {
    store, config, now: options.now ?? Date.now, bus: options.bus, onAuthAttempt: options.onAuthAttempt,
    onPasswordCheck: options.onPasswordCheck, onDomainCreated: options.onDomainCreated,
  };
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
    shareTargets: createShareTargetService(ctx),
    auth: createAuthService(ctx),
    credentials: createCredentialService(ctx),
    sharedMailboxes: createSharedMailboxService(ctx),
    grants: createMailboxGrantService(ctx),
    async housekeeping() {
      const now = ctx.now();
      const clientsPruned = await store.throttle.pruneClients(now - config.auth.throttle.knownClientDays * 86_400_000);
      return {
        // Failure counters past their window and known addresses past knownClientDays (login-throttle.ts).
        throttleEntriesPruned: clientsPruned + await store.throttle.prune(now - config.auth.throttle.windowMs),
        credentialsExpired: await store.credentials.deleteExpired(new Date(now).toISOString()),
      };
    },
    actorFor,
  };
}
