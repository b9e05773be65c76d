// Audit entries for every administrative change: the directory's objects,
// public folders (mail/) and queued messages (queue/). It sits below those
// domain modules so each builds its entries here rather than reaching
// sideways into another. Every service writes its entry with the same
// transaction handle as the change itself, so a change without its entry (or
// an entry for a change that rolled back) cannot exist.
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditObjectType } from '../../../shared/src/schemas/directory.ts';
import type { StoreTx } from '../store/port.ts';

/** Who made a change; the directory's Actor and the queue's operator both fit. */
export interface AuditActor {
  /** Account id, or null for the system itself. */
  id: string | null;
  login: string;
  ip: string | null;
}

/** Fields whose values never enter the audit log; a set value shows as "[set]". */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['passwordHash', 'secretHash', 'password', 'secret']);

export type AuditAction =
  | 'create' | 'update' | 'delete' | 'set-password' | 'grant-role' | 'rehash-password' | 'retry' | 'activate' | 'rename'
  | 'release' | 'train' | 'outbound-spam-blocked' | 'outbound-locked' | 'grant' | 'revoke' | 'convert' | 'cancel' | 'sync';

export interface AuditChange {
  action: AuditAction;
  objectType: 'domain' | 'account' | 'group' | 'alias' | 'resource' | 'app-password' | 'api-token' | 'public-folder'
    | 'queued-message' | 'sieve-script' | 'sieve-domain' | 'quarantined-message' | 'spam-classifier' | 'shared-mailbox' | 'mailbox-grant'
    | 'public-folder-address' | 'calendar' | 'addressbook' | 'files' | 'dav-share' | 'dav-delegation' | 'migration-job' | 'directory-connection';
  objectId: string;
  domainId: string | null;
  before: object | null;
  after: object | null;
}

// The console's audit filter offers shared/ AUDIT_OBJECT_TYPES: a kind added on one side only fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const objectTypesInStep: Same<AuditChange['objectType'], AuditObjectType> = true;
void objectTypesInStep;

/** A shallow copy with secret fields replaced by "[set]" (or null when unset). */
export function redact(value: object | null): Record<string, unknown> | null {
  if (value === null) return null;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_FIELDS.has(key) ? (v === null || v === undefined ? null : '[set]') : v;
  }
  return out;
}

/**
 * For updates, only the fields that changed (plus none of the unchanged
 * noise), so the log reads as "quotaBytes: 1 GB → 2 GB".
 */
export function diff(before: object, after: object): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const outBefore: Record<string, unknown> = {};
  const outAfter: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (key === 'updatedAt') continue;
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) {
      outBefore[key] = b[key];
      outAfter[key] = a[key];
    }
  }
  return { before: redact(outBefore)!, after: redact(outAfter)! };
}

export async function writeAudit(tx: StoreTx, actor: AuditActor, at: string, change: AuditChange): Promise<AuditEntry> {
  const entry: AuditEntry = {
    // Same shape as directory object ids (directory/ids.ts): 96 random bits, base64url.
    id: randomBytes(12).toString('base64url'),
    at,
    actorId: actor.id,
    actor: actor.login,
    ip: actor.ip,
    action: change.action,
    objectType: change.objectType,
    objectId: change.objectId,
    domainId: change.domainId,
    before: redact(change.before),
    after: redact(change.after),
  };
  await tx.audit.append(entry);
  return entry;
}
