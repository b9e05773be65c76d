// Wires the directory services over one store. Everything above the store
// (admin API, CLI, protocols) receives the Directory, never the store.
import { resolve } from 'node:path';
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
import { createDirectorySyncService } from './ldap/connection-service.ts';
import { createLdapVerifier, type VerifierLog } from './ldap/ldap-verifier.ts';
import { createSecretBox } from './ldap/secret-box.ts';
import { SILENT_SYNC_LOG, type SyncLog } from './ldap/sync-run.ts';
import { createVerifiedCache } from './ldap/verified-cache.ts';
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
  /** Where bind passwords named by connections (bindPasswordEnv) and STOA_DIRECTORY_SECRET_KEY are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Admin log lines of directory logins that did not pass, of sync runs and failed connection tests; silent by default. */
  ldapLog?: VerifierLog & SyncLog;
}

const SILENT_LOG: VerifierLog & SyncLog = { refused() {}, unavailable() {}, ...SILENT_SYNC_LOG };

export { actorFor };

export function createDirectory(store: Store, config: Pick<StoaConfig, 'auth' | 'mail' | 'directory' | 'dataDir'>, options: DirectoryOptions = {}): Directory {
  const ctx: DirectoryContext = {
    store, config, now: options.now ?? Date.now, bus: options.bus, onAuthAttempt: options.onAuthAttempt,
    onPasswordCheck: options.onPasswordCheck, onDomainCreated: options.onDomainCreated,
  };
  const accounts = createAccountService(ctx);
  const groups = createGroupService(ctx);
  const aliases = createAliasService(ctx);
  const auth = createAuthService(ctx);
  const env = options.env ?? process.env;
  const box = createSecretBox({ envKey: env.STOA_DIRECTORY_SECRET_KEY, keyFile: resolve(config.dataDir, config.directory.secretKeyFile) });
  // Directory accounts are answered by the directory first: no local hash is ever tried for them.
  const ldapVerifier = createLdapVerifier({
    store, box, env, cache: createVerifiedCache(), log: options.ldapLog ?? SILENT_LOG, now: ctx.now,
    pool: { size: config.directory.loginPool.size, idleMs: config.directory.loginPool.idleSeconds * 1000 },
  });
  auth.use(ldapVerifier, 'first');
  return {
    // External directories (LDAP/AD): the sync writes only through the three services above, as its connection's actor.
    ldap: createDirectorySyncService({ store, directory: { accounts, groups, aliases }, box, env, now: ctx.now, historyRuns: config.directory.historyRuns, log: options.ldapLog ?? SILENT_LOG }),
    domains: createDomainService(ctx),
    accounts,
    groups,
    aliases,
    resources: createResourceService(ctx),
    appPasswords: createAppPasswordService(ctx),
    audit: createAuditService(ctx),
    operators: createOperatorService(ctx),
    addresses: createAddressService(ctx),
    shareTargets: createShareTargetService(ctx),
    auth,
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
    close: () => ldapVerifier.close(),
  };
}
