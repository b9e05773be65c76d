// Server operator accounts ("admin"): the way into a fresh server and the
// account of last resort. They have no domain and no mailbox, and only the
// server itself (first start) or someone at its console (the CLI) creates
// them, so a compromised admin API session cannot mint new ones.
import type { Account } from '../../../shared/src/schemas/directory.ts';
import type { AccountRecord } from '../store/port.ts';
import { forbidden } from './access.ts';
import { toAccount } from './account-access.ts';
import type { OperatorCreate, OperatorService } from './api.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { isoNow, newId } from './ids.ts';
import { parseOperatorLogin } from './names.ts';
import { hashPassword } from './password-hash.ts';
import { checkPasswordPolicy } from './password-policy.ts';

export function createOperatorService(ctx: DirectoryContext): OperatorService {
  const { store, config } = ctx;
  return {
    async create(actor, input: OperatorCreate): Promise<Account> {
      if (actor.id !== null || actor.role !== 'server-admin') throw forbidden('operator accounts are created only at first start or with the stoa CLI');
      const login = parseOperatorLogin(input.login);
      checkPasswordPolicy(input.password, login, config.auth.minPasswordLength);
      const passwordHash = await hashPassword(input.password, config.auth.argon2);
      return store.atomic(async (tx) => {
        const at = isoNow(ctx.now());
        const record: AccountRecord = {
          id: newId(),
          domainId: null,
          address: login,
          displayName: input.displayName?.trim() || 'Server administrator',
          enabled: true,
          role: 'server-admin',
          adminDomainIds: [],
          quotaBytes: 0,
          quotaMessages: 0,
          forwardTo: [],
          keepForwardedCopy: true,
          passwordSetAt: at,
          source: null,
          createdAt: at,
          updatedAt: at,
          passwordHash,
        };
        await tx.accounts.create(record);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'account', objectId: record.id, domainId: null, before: null, after: record });
        return toAccount(record);
      });
    },
  };
}
