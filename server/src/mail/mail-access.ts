// Who may do what to a mailbox (RFC 4314), decided here and nowhere else:
// every MailboxService and MessageService method asks this module with the
// caller's Actor before it touches a mailbox, against current data (the ACL
// and the caller's group memberships as they are now, not as they were when
// a session opened the mailbox). Front ends may refuse early; they never
// decide instead (DESIGN.md "Where rules live").
//
// What is cached, and why it is safe: a mailbox's owner and an account's
// domain never change once created (ids are never reused), so they are kept
// in bounded maps; ACLs and group memberships, which do change, are read at
// every check. Full-access grants (Exchange's Full Access on a shared or a
// delegated mailbox) are cached per owner and dropped by the change bus
// event that every grant change publishes (grant-cache.ts).
import type { Actor } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { ChangeBus } from '../events/change-bus.ts';
import type { AclEntry } from '../model/mail.ts';
import type { StoreTx } from '../store/port.ts';
import { FullAccessCache } from './grant-cache.ts';
import { publicFolderDomain } from './public-folders.ts';

/** RFC 4314 §2.1: every right, held by a mailbox's owner. */
export const ALL_RIGHTS = 'lrswipkxtea';

/**
 * What a full-access grant gives on every folder of the owner: every right
 * but "a" (administer the ACL), as Exchange's Full Access does not include
 * ChangePermission. With "a" a delegate could give itself, a group, "anyone"
 * or an accomplice ACL entries that outlive the grant's revocation, and that
 * nobody who manages grants sees.
 */
export const FULL_ACCESS_RIGHTS = 'lrswipkxte';

/** RFC 4314 §2: identifiers that stand for more than one user. */
const ANYONE = 'anyone';
const AUTHENTICATED = 'authenticated';

const CACHE_MAX = 50_000;

/** A Map that forgets its oldest entries past a size. */
class BoundedMap<V> {
  readonly #map = new Map<string, V>();
  get(key: string): V | undefined {
    return this.#map.get(key);
  }
  set(key: string, value: V): void {
    if (this.#map.size >= CACHE_MAX) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(key, value);
  }
}

/** The actor is the server itself (first start, delivery, the CLI): it holds every right. */
export function isSystem(actor: Actor): boolean {
  return actor.id === null;
}

export interface MailAccessOptions {
  /**
   * Whether "anyone" and "authenticated" reach accounts of other domains
   * (mail.acl.crossDomain). Off: they mean "in the owner's domain",
   * as they always do for public folders.
   */
  anyoneCrossesDomains?: boolean;
}

export interface MailAccess {
  /** The owner of a mailbox (an account id, or a domain's public-folder owner id); STOA_NOT_FOUND when there is no such mailbox. */
  ownerOf(mailboxId: string): Promise<string>;
  /** RFC 4314 rights of the actor on a mailbox, in canonical order ('' for none). */
  rights(actor: Actor, mailbox: { id: string; accountId: string }): Promise<string>;
  /**
   * Refuses unless the actor holds every right in `needed` on the mailbox:
   * STOA_NOT_FOUND when it holds neither "l" nor "r" (RFC 4314 §4: such a
   * mailbox must look nonexistent), STOA_FORBIDDEN naming the missing rights
   * otherwise. Returns the owner and the rights held.
   */
  require(actor: Actor, mailboxId: string, needed: string): Promise<{ ownerId: string; rights: string }>;
  /** Refuses unless the actor is the account itself or the server. */
  requireSelf(actor: Actor, accountId: string): void;
  /** Group ids the account belongs to, nested groups included (current data). */
  groupsOf(accountId: string): Promise<string[]>;
  /** The account's (or shared mailbox's) domain id (null for an operator account); STOA_NOT_FOUND for an unknown one. */
  domainOf(accountId: string): Promise<string | null>;
  /** Whether the actor holds a full-access grant on the owner's mailboxes (directly or through its groups). */
  hasFullAccess(actor: Actor, ownerId: string): Promise<boolean>;
}

/** RFC 4314 §2: the union of the rights of every entry naming one of the identifiers, in canonical order. */
export function rightsFrom(acl: readonly AclEntry[], identifiers: ReadonlySet<string>): string {
  const rights = new Set<string>();
  for (const entry of acl) if (identifiers.has(entry.identifier)) for (const r of entry.rights) rights.add(r);
  return [...ALL_RIGHTS].filter((r) => rights.has(r)).join('');
}

export function createMailAccess(store: StoreTx, options: MailAccessOptions = {}, bus?: ChangeBus): MailAccess {
  const owners = new BoundedMap<string>();
  const domains = new BoundedMap<string | null>();
  const fullAccess = new FullAccessCache(store, bus);

  async function ownerOf(mailboxId: string): Promise<string> {
    const cached = owners.get(mailboxId);
    if (cached !== undefined) return cached;
    const mailbox = await store.mailboxes.get(mailboxId);
    if (!mailbox) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
    owners.set(mailboxId, mailbox.accountId);
    return mailbox.accountId;
  }

  async function domainOf(accountId: string): Promise<string | null> {
    const cached = domains.get(accountId);
    if (cached !== undefined) return cached;
    // Shared mailboxes own mailbox trees too; both kinds keep their id when converted, and their domain.
    const account = await store.accounts.get(accountId) ?? await store.sharedMailboxes.get(accountId);
    if (!account) throw new StoaError('STOA_NOT_FOUND', `account ${accountId}`);
    domains.set(accountId, account.domainId);
    return account.domainId;
  }

  async function groupsOf(accountId: string): Promise<string[]> {
    const seen = new Set<string>();
    let frontier = (await store.groups.containing({ kind: 'account', id: accountId })).map((g) => g.id);
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const id of frontier) {
        if (seen.has(id)) continue;
        seen.add(id);
        next.push(...(await store.groups.containing({ kind: 'group', id })).map((g) => g.id));
      }
      frontier = next;
    }
    return [...seen];
  }

  /** Full access of `me` on the owner, given the owner's full-access grantees; `groups` loads me's groups once. */
  async function fullAccessFrom(grantees: ReadonlySet<string>, me: string, groups: () => Promise<readonly string[]>): Promise<boolean> {
    if (grantees.size === 0) return false;
    if (grantees.has(me)) return true;
    return (await groups()).some((g) => grantees.has(g));
  }

  async function rights(actor: Actor, mailbox: { id: string; accountId: string }): Promise<string> {
    if (isSystem(actor) || actor.id === mailbox.accountId) return ALL_RIGHTS;
    const folderDomain = publicFolderDomain(mailbox.accountId);
    // Public folders are shared through their ACL alone; grants name shared mailboxes and accounts.
    const [acl, grantees] = await Promise.all([
      store.mailboxes.getAcl(mailbox.id),
      folderDomain === null ? fullAccess.granteesOf(mailbox.accountId) : new Set<string>(),
    ]);
    if (acl.length === 0 && grantees.size === 0) return '';
    const me = actor.id!;
    const myDomain = await domainOf(me).catch(() => null);
    // Operators have no mailbox and take part in no sharing.
    if (myDomain === null) return '';
    // A domain's public folders exist only for its own accounts, whatever their ACL says.
    if (folderDomain !== null && folderDomain !== myDomain) return '';
    let myGroups: Promise<string[]> | null = null;
    const groups = (): Promise<string[]> => (myGroups ??= groupsOf(me));
    // Full access is every right but "a" on every mailbox of the owner (Exchange Full Access), plus what the ACL gives.
    const full = await fullAccessFrom(grantees, me, groups);
    if (acl.length === 0) return full ? FULL_ACCESS_RIGHTS : '';
    const ownerDomain = folderDomain ?? await domainOf(mailbox.accountId).catch(() => null);
    const identifiers = new Set<string>([me]);
    // "anyone" and "authenticated" stay inside the owner's domain unless the server allows more.
    if (options.anyoneCrossesDomains || ownerDomain === myDomain) {
      identifiers.add(ANYONE);
      identifiers.add(AUTHENTICATED);
    }
    if (acl.some((e) => !identifiers.has(e.identifier))) for (const g of await groups()) identifiers.add(g);
    const fromAcl = rightsFrom(acl, identifiers);
    return full ? [...ALL_RIGHTS].filter((r) => FULL_ACCESS_RIGHTS.includes(r) || fromAcl.includes(r)).join('') : fromAcl;
  }

  return {
    ownerOf,
    rights,
    groupsOf,
    domainOf,

    async hasFullAccess(actor, ownerId) {
      if (actor.id === null || publicFolderDomain(ownerId) !== null) return false;
      const me = actor.id;
      if (await domainOf(me).catch(() => null) === null) return false;
      return fullAccessFrom(await fullAccess.granteesOf(ownerId), me, () => groupsOf(me));
    },

    async require(actor, mailboxId, needed) {
      const ownerId = await ownerOf(mailboxId);
      const held = await rights(actor, { id: mailboxId, accountId: ownerId });
      if (!held.includes('l') && !held.includes('r')) throw new StoaError('STOA_NOT_FOUND', `mailbox ${mailboxId}`);
      const missing = [...needed].filter((r) => !held.includes(r));
      if (missing.length > 0) throw new StoaError('STOA_FORBIDDEN', `missing rights: ${missing.join('')}`);
      return { ownerId, rights: held };
    },

    requireSelf(actor, accountId) {
      if (isSystem(actor) || actor.id === accountId) return;
      throw new StoaError('STOA_FORBIDDEN', 'only the account itself may do this');
    },
  };
}
