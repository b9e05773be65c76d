// Console sessions and API tokens. The admin API asks this service, never the
// store, whether a cookie or bearer secret is good; the rules (expiry,
// deleted or disabled accounts, owner-only revocation, audit) live here.
import { createHash, randomBytes } from 'node:crypto';
import { StoaError } from '../errors/catalogue.ts';
import type { ApiCredential } from '../store/port.ts';
import { toAccount } from './account-access.ts';
import type { CredentialService } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { writeAudit } from '../audit/audit-log.ts';

/** Bearer tokens carry a prefix so that secret scanners recognise a leaked one. */
const TOKEN_PREFIX = 'stoa_';
const DAY_MS = 86_400_000;
/** lastUsedAt is a hint for the owner, not an audit trail: one write a minute per credential is plenty. */
const TOUCH_INTERVAL_MS = 60_000;

/** Credentials are stored under the SHA-256 of their secret. */
export function credentialId(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function newSecret(kind: ApiCredential['kind']): { secret: string; id: string } {
  const raw = randomBytes(32).toString('base64url');
  const secret = kind === 'token' ? TOKEN_PREFIX + raw : raw;
  return { secret, id: credentialId(secret) };
}

function tokenAudit(c: ApiCredential): Record<string, unknown> {
  return { name: c.name, accountId: c.accountId, expiresAt: c.expiresAt };
}

export function createCredentialService(ctx: DirectoryContext): CredentialService {
  const { store } = ctx;
  const iso = () => new Date(ctx.now()).toISOString();

  return {
    async openSession(account, { userAgent, ttlMs, replacingSecret }) {
      if (replacingSecret) await store.credentials.delete(credentialId(replacingSecret)).catch(() => undefined);
      const { secret, id } = newSecret('session');
      const now = ctx.now();
      const credential: ApiCredential = {
        id, kind: 'session', accountId: account.id, name: userAgent.slice(0, 100) || 'session',
        createdAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlMs).toISOString(), lastUsedAt: new Date(now).toISOString(),
      };
      await store.credentials.create(credential);
      return { secret, credential };
    },

    async resolve(secret, kind) {
      const credential = await store.credentials.get(credentialId(secret));
      // A session cookie is not accepted as a bearer token, nor the reverse.
      if (!credential || credential.kind !== kind) throw new StoaError('STOA_UNAUTHENTICATED', 'The session or token is not valid');
      const now = ctx.now();
      if (credential.expiresAt !== null && Date.parse(credential.expiresAt) <= now) {
        await store.credentials.delete(credential.id);
        throw new StoaError('STOA_UNAUTHENTICATED', 'The session or token has expired');
      }
      const record = await store.accounts.get(credential.accountId);
      if (!record) {
        await store.credentials.delete(credential.id);
        throw new StoaError('STOA_UNAUTHENTICATED', 'The account no longer exists');
      }
      if (!record.enabled) throw new StoaError('STOA_UNAUTHENTICATED', 'The account is disabled');
      if (credential.lastUsedAt === null || now - Date.parse(credential.lastUsedAt) >= TOUCH_INTERVAL_MS) {
        const at = new Date(now).toISOString();
        await store.credentials.touch(credential.id, at);
        credential.lastUsedAt = at;
      }
      return { account: toAccount(record), credential };
    },

    async closeSession(id) {
      await store.credentials.delete(id);
    },

    async endSessions(accountId, keepCredentialId) {
      for (const s of await store.credentials.listForAccount(accountId, 'session')) {
        if (s.id !== keepCredentialId) await store.credentials.delete(s.id);
      }
    },

    async createToken(actor, { name, expiresInDays }) {
      if (actor.id === null) throw new StoaError('STOA_FORBIDDEN', 'Tokens belong to an account; log in as one');
      const { secret, id } = newSecret('token');
      const now = ctx.now();
      const credential: ApiCredential = {
        id, kind: 'token', accountId: actor.id, name,
        createdAt: new Date(now).toISOString(),
        expiresAt: expiresInDays === undefined ? null : new Date(now + expiresInDays * DAY_MS).toISOString(),
        lastUsedAt: null,
      };
      const owner = await store.accounts.get(actor.id);
      await store.atomic(async (tx) => {
        await tx.credentials.create(credential);
        await writeAudit(tx, actor, iso(), { action: 'create', objectType: 'api-token', objectId: id, domainId: owner?.domainId ?? null, before: null, after: tokenAudit(credential) });
      });
      return { credential, secret };
    },

    async listTokens(actor) {
      if (actor.id === null) return [];
      return store.credentials.listForAccount(actor.id, 'token');
    },

    async revokeToken(actor, id) {
      const credential = await store.credentials.get(id);
      if (!credential || credential.kind !== 'token' || credential.accountId !== actor.id) {
        throw new StoaError('STOA_NOT_FOUND', 'No such token');
      }
      const owner = await store.accounts.get(credential.accountId);
      await store.atomic(async (tx) => {
        await tx.credentials.delete(id);
        await writeAudit(tx, actor, iso(), { action: 'delete', objectType: 'api-token', objectId: id, domainId: owner?.domainId ?? null, before: tokenAudit(credential), after: null });
      });
    },
  };
}
