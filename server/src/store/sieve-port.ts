// Storage port for Sieve (server/src/sieve/): scripts per owner — an
// account, or a domain for its global scripts (RFC 6609 ":global") — with
// at most one active script each, and the vacation memory of who was
// answered when (RFC 5230 §4.2). Script names are compared octet for octet
// (RFC 5804 §1.6).

/** Owner id of a domain's global scripts; an account's scripts use the account id. */
export function domainScriptOwner(domainId: string): string {
  return `domain:${domainId}`;
}

export interface SieveScriptRecord {
  ownerId: string;
  name: string;
  content: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Scripts are written inside store.atomic() with their audit entry, so the store is part of StoreTx. */
export interface SieveScriptStore {
  /** Every script of the owner, by name. */
  list(ownerId: string): Promise<SieveScriptRecord[]>;
  get(ownerId: string, name: string): Promise<SieveScriptRecord | null>;
  /** The owner's active script, or null. */
  getActive(ownerId: string): Promise<SieveScriptRecord | null>;
  /** Creates the script, or replaces its content keeping its active flag; returns it as stored. */
  put(ownerId: string, name: string, content: string, at: string): Promise<SieveScriptRecord>;
  /** STOA_NOT_FOUND when `from` is missing, STOA_CONFLICT when `to` exists. The active flag moves along. */
  rename(ownerId: string, from: string, to: string, at: string): Promise<void>;
  /** True when a script was removed. */
  delete(ownerId: string, name: string): Promise<boolean>;
  /** Makes `name` the only active script (null: none). STOA_NOT_FOUND when `name` is missing. */
  setActive(ownerId: string, name: string | null, at: string): Promise<void>;
  count(ownerId: string): Promise<number>;
  /** Removes every script of an owner (account or domain deleted), and a domain's settings. */
  deleteOwner(ownerId: string): Promise<number>;
  /** A domain's Sieve policy; null fields follow the server configuration. */
  getDomainSettings(domainId: string): Promise<SieveDomainSettings>;
  setDomainSettings(domainId: string, settings: SieveDomainSettings, at: string): Promise<void>;
}

export interface SieveDomainSettings {
  /** Redirects to addresses outside this server (issue 10: an admin policy per domain); null = sieve.allowExternalRedirect. */
  allowExternalRedirect: boolean | null;
}

/** When each (user, handle, sender) was last answered; shared by every node. Times in ms since epoch. */
export interface VacationMemoryStore {
  /**
   * Records a reply for `key` at `now` and returns true, unless one was
   * recorded less than `periodMs` before (then false and nothing changes).
   * Atomic across connections and nodes: of two racing claims one wins.
   */
  claim(key: string, now: number, periodMs: number): Promise<boolean>;
  /** Forgets entries whose period ended before `before`. */
  prune(before: number): Promise<number>;
}
