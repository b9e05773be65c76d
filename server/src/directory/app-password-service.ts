// App passwords: per-device secrets for mail clients that cannot do the
// console's login (IMAP, SMTP submission, CalDAV). Each is shown once,
// stored only as an argon2id hash, and revocable on its own.
import type { AppPassword } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { AppPasswordRecord } from '../store/port.ts';
import { loadAccount } from './account-access.ts';
import type { AppPasswordService } from './api.ts';
import { writeAudit } from '../audit/audit-log.ts';
import type { DirectoryContext } from './context.ts';
import { isoNow, newId } from './ids.ts';
import { hashPassword } from './password-hash.ts';
import { appPasswordLookup } from './app-password-lookup.ts';
import { canonicalAppSecret, generateAppSecret } from './password-policy.ts';

/** App passwords per account: one per device is the idea, and each is one more secret to leak. */
export const MAX_APP_PASSWORDS = 20;

export function toAppPassword(record: AppPasswordRecord): AppPassword {
  const { secretHash: _hash, lookup: _lookup, ...appPassword } = record;
  return appPassword;
}

/** A new secret whose lookup key no other app password of the account has (app-password-lookup.ts). */
async function freshSecret(ctx: DirectoryContext, accountId: string): Promise<{ secret: string; lookup: string }> {
  for (;;) {
    const secret = generateAppSecret();
    const lookup = appPasswordLookup(accountId, canonicalAppSecret(secret)!);
    // Two of twenty share four letters about once in 2,000 accounts: draw again.
    if (!await ctx.store.appPasswords.findByLookup(accountId, lookup)) return { secret, lookup };
  }
}

export function createAppPasswordService(ctx: DirectoryContext): AppPasswordService {
  const { store, config } = ctx;

  return {
    async create(actor, accountIdOrAddress, name) {
      const label = name.trim();
      if (label === '' || label.length > 100) {
        throw new StoaError('STOA_VALIDATION', 'give the app password a name of 1 to 100 characters (e.g. "Phone")', { errors: [{ path: '/name', message: 'length' }] });
      }
      const target = await loadAccount(store, actor, accountIdOrAddress, 'change');
      if (target.domainId === null) throw new StoaError('STOA_VALIDATION', 'server operator accounts have no mailbox and no app passwords');
      const { secret, lookup } = await freshSecret(ctx, target.id);
      const secretHash = await hashPassword(canonicalAppSecret(secret)!, config.auth.argon2);
      const record = await store.atomic(async (tx) => {
        const account = await loadAccount(tx, actor, target.id, 'change');
        const existing = await tx.appPasswords.listForAccount(account.id);
        if (existing.length >= MAX_APP_PASSWORDS) {
          throw new StoaError('STOA_VALIDATION', `an account can have at most ${MAX_APP_PASSWORDS} app passwords; revoke one first`);
        }
        // Made meanwhile by a parallel request with the same four letters: the caller tries again.
        if (existing.some((r) => r.lookup === lookup)) throw new StoaError('STOA_CONFLICT', 'app passwords were created at the same moment; try again');
        const at = isoNow(ctx.now());
        const created: AppPasswordRecord = { id: newId(), accountId: account.id, name: label, createdAt: at, lastUsedAt: null, lastUsedIp: null, secretHash, lookup };
        await tx.appPasswords.create(created);
        await writeAudit(tx, actor, at, { action: 'create', objectType: 'app-password', objectId: created.id, domainId: account.domainId, before: null, after: created });
        return created;
      });
      return { appPassword: toAppPassword(record), secret };
    },

    async list(actor, accountIdOrAddress) {
      const account = await loadAccount(store, actor, accountIdOrAddress, 'change');
      return (await store.appPasswords.listForAccount(account.id)).map(toAppPassword);
    },

    async revoke(actor, accountIdOrAddress, appPasswordId) {
      await store.atomic(async (tx) => {
        const account = await loadAccount(tx, actor, accountIdOrAddress, 'change');
        const record = await tx.appPasswords.get(appPasswordId);
        if (!record || record.accountId !== account.id) throw new StoaError('STOA_NOT_FOUND', `app password "${appPasswordId}" does not exist`);
        await tx.appPasswords.delete(record.id);
        await writeAudit(tx, actor, isoNow(ctx.now()), { action: 'delete', objectType: 'app-password', objectId: record.id, domainId: account.domainId, before: record, after: null });
      });
    },
  };
}
