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
import { canonicalAppSecret, generateAppSecret } from './password-policy.ts';

/**
 * Every login with an app-password-shaped secret costs one hash per app
 * password of the account, so their number is bounded.
 */
export const MAX_APP_PASSWORDS = 20;

export function toAppPassword(record: AppPasswordRecord): AppPassword {
  const { secretHash: _hash, ...appPassword } = record;
  return appPassword;
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
      const secret = generateAppSecret();
      const secretHash = await hashPassword(canonicalAppSecret(secret)!, config.auth.argon2);
      const record = await store.atomic(async (tx) => {
        const account = await loadAccount(tx, actor, target.id, 'change');
        const existing = await tx.appPasswords.listForAccount(account.id);
        if (existing.length >= MAX_APP_PASSWORDS) {
          throw new StoaError('STOA_VALIDATION', `an account can have at most ${MAX_APP_PASSWORDS} app passwords; revoke one first`);
        }
        const at = isoNow(ctx.now());
        const created: AppPasswordRecord = { id: newId(), accountId: account.id, name: label, createdAt: at, lastUsedAt: null, lastUsedIp: null, secretHash };
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
