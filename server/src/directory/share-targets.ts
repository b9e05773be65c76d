// Who a user may name when sharing a mailbox (IMAP SETACL, RFC 4314 §3.1):
// an account or a group of their own domain. An address in another domain
// answers exactly like one that does not exist, so SETACL is no oracle for
// other tenants' accounts (issue 16 item 10), unless the server admin lets
// sharing cross domains (mail.acl.crossDomain). Lookups that find nothing
// are counted per account; past mail.acl.lookupMissesPerHour every lookup of
// that account is refused for the rest of the hour (STOA_RATE_LIMITED),
// found or not, so the limit itself tells nothing either. The counters are
// per process: a client spreading its guesses over nodes gets one allowance
// per node.
import { StoaError } from '../errors/catalogue.ts';
import type { Actor } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { findAccount, tryNormaliseAddress } from './lookup.ts';

/** RFC 4314 §2: a server may mark group identifiers; Stoa uses "$" + the group's address (protocols/imap/session/acl-identifiers.ts). */
export const GROUP_PREFIX = '$';
const HOUR_MS = 3_600_000;
const MAX_TRACKED = 100_000;

export interface ShareTarget { kind: 'account' | 'group'; id: string }

export interface ShareTargetService {
  /** The account or group `identifier` names, if the actor may share with it; null otherwise (missing or out of reach). */
  find(actor: Actor, identifier: string): Promise<ShareTarget | null>;
}

export function createShareTargetService(ctx: DirectoryContext): ShareTargetService {
  const { store, config } = ctx;
  const misses = new Map<string, { windowStart: number; count: number }>();

  function window(accountId: string): { windowStart: number; count: number } {
    const now = ctx.now();
    let entry = misses.get(accountId);
    if (!entry || now - entry.windowStart >= HOUR_MS) {
      entry = { windowStart: now, count: 0 };
      misses.delete(accountId);
      if (misses.size >= MAX_TRACKED) misses.delete(misses.keys().next().value!);
      misses.set(accountId, entry);
    }
    return entry;
  }

  async function lookup(identifier: string, myDomain: string): Promise<ShareTarget | null> {
    const reaches = (domainId: string | null): boolean => domainId !== null && (config.mail.acl.crossDomain || domainId === myDomain);
    if (identifier.startsWith(GROUP_PREFIX)) {
      const address = tryNormaliseAddress(identifier.slice(GROUP_PREFIX.length));
      const owner = address ? await store.addresses.resolve(address) : null;
      if (owner?.kind === 'group') {
        const group = await store.groups.get(owner.id);
        if (group && reaches(group.domainId)) return { kind: 'group', id: group.id };
      }
      // "$" may legally start a local part: fall through to an account of that name.
    }
    // Users are named by address (RFC 4314 §2 leaves the form to the server), never by internal id.
    const address = tryNormaliseAddress(identifier);
    const account = address ? await store.accounts.getByAddress(address) : null;
    return account && reaches(account.domainId) ? { kind: 'account', id: account.id } : null;
  }

  return {
    async find(actor, identifier) {
      // The server (and the CLI) names anyone.
      if (actor.id === null) {
        const account = await findAccount(store, identifier).catch(() => null);
        return account ? { kind: 'account', id: account.id } : null;
      }
      const me = await store.accounts.get(actor.id);
      // Operators have no mailbox and share nothing.
      if (!me || me.domainId === null) return null;
      const entry = window(me.id);
      if (entry.count >= config.mail.acl.lookupMissesPerHour) {
        const retryAfterSeconds = Math.ceil((entry.windowStart + HOUR_MS - ctx.now()) / 1000);
        throw new StoaError('STOA_RATE_LIMITED', `too many unknown users named in ACLs; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`, { retryAfterSeconds });
      }
      const found = await lookup(identifier, me.domainId);
      if (!found) entry.count++;
      return found;
    },
  };
}
