// Objects an external directory (LDAP/AD) owns: which of their fields the
// directory manages, and who may write them. Only the sync of the owning
// connection (an actor with `directorySync` set to its id) changes managed
// fields; everyone else gets STOA_DIRECTORY_MANAGED, so the console and the
// admin API show them read-only and an edit there cannot be silently undone
// by the next sync. docs/directory-sync.md lists the fields.
import type { DirectorySource } from '../../../shared/src/schemas/directory.ts';
import { StoaError } from '../errors/catalogue.ts';
import { forbidden, isServerAdmin } from './access.ts';
import type { Actor, SourceOptions } from './api.ts';

/** Account fields the directory sets; `role` too when the connection maps groups to roles. */
export const MANAGED_ACCOUNT_FIELDS: readonly string[] = ['displayName', 'enabled'];
export const MANAGED_GROUP_FIELDS: readonly string[] = ['name', 'kind', 'members'];
export const MANAGED_ALIAS_FIELDS: readonly string[] = ['targets'];

export function isOwningSync(actor: Actor, source: DirectorySource | null): boolean {
  return source !== null && actor.directorySync !== undefined && actor.directorySync === source.connectionId;
}

/** Refuses a patch that touches managed fields of a directory object, unless the owning sync sends it. */
export function guardManagedFields(actor: Actor, what: string, source: DirectorySource | null, patch: object, managed: readonly string[]): void {
  if (source === null || isOwningSync(actor, source)) return;
  const touched = Object.entries(patch).filter(([k, v]) => v !== undefined && managed.includes(k)).map(([k]) => k);
  if (touched.length > 0) {
    throw new StoaError('STOA_DIRECTORY_MANAGED', `${touched.join(', ')} of this ${what} come${touched.length === 1 ? 's' : ''} from the directory`, {
      errors: touched.map((k) => ({ path: `/${k}`, message: 'managed by the directory' })),
    });
  }
}

/** Refuses an operation on a directory object that only its sync may do (password, alias delete …). */
export function guardManaged(actor: Actor, what: string, source: DirectorySource | null, action: string): void {
  if (source === null || isOwningSync(actor, source)) return;
  throw new StoaError('STOA_DIRECTORY_MANAGED', `the ${action} of this ${what} is managed by the directory`);
}

/**
 * The source a create may set: only the sync of that connection links new
 * objects to it. Undefined when the caller passed none.
 */
export function sourceForCreate(actor: Actor, opts: SourceOptions | undefined): DirectorySource | null {
  const source = opts?.source ?? null;
  if (source !== null && actor.directorySync !== source.connectionId) throw forbidden('only the directory sync links objects to a directory');
  return source;
}

/**
 * A change of source on update: the owning sync refreshes it (new DN,
 * missing mark), and a server admin may detach an object (null) to keep it
 * as a local one. Undefined when unchanged.
 */
export function sourceForUpdate(actor: Actor, current: DirectorySource | null, opts: SourceOptions | undefined): DirectorySource | null | undefined {
  if (!opts || opts.source === undefined) return undefined;
  const next = opts.source;
  if (next === null) {
    if (current === null) return undefined;
    if (!isServerAdmin(actor) || actor.directorySync !== undefined) throw forbidden('only a server admin detaches an object from its directory');
    return null;
  }
  if (actor.directorySync !== next.connectionId || (current !== null && current.connectionId !== next.connectionId)) {
    throw forbidden('only the directory sync of the owning connection changes the link to its directory');
  }
  return next;
}
