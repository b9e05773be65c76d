// The directory's public face: what the admin API, the CLI and (later) every
// protocol call. Implementations live beside this file; nothing here knows
// which protocol or route is calling.
import type { AccountImportResult } from './account-import.ts';
import type { ShareTargetService } from './share-targets.ts';
import type {
  Account, AccountCreate, AccountUpdate, Alias, AliasCreate, AliasUpdate, AppPassword, AuditEntry,
  DirectorySource, Domain, DomainCreate, DomainUpdate, Group, GroupCreate, GroupUpdate, Resource, ResourceCreate,
  ResourceUpdate, Role, RoleGrant,
} from '../../../shared/src/schemas/directory.ts';
import type { ApiCredential, Page, SortOrder } from '../store/port.ts';
import type { DirectorySyncService } from './ldap/connection-service.ts';
import type { SharedMailbox } from '../../../shared/src/schemas/shared-mailboxes.ts';
import type { PublicFolderAddress } from '../store/shared-mailbox-port.ts';
import type { MailboxGrantService, SharedMailboxService } from './shared-mailbox-api.ts';

/** Who is acting, and from where: every service call that reads or changes the directory takes one. */
export interface Actor {
  /** Account id, or null for the system itself (first start, migrations). */
  id: string | null;
  /** Login shown in the audit log: the account address, "system" or "cli". */
  login: string;
  role: Role;
  /** Domain ids a domain admin manages (empty for other roles). */
  adminDomainIds: readonly string[];
  ip: string | null;
  /**
   * Set only on the actor a directory sync acts as (directory/ldap/): the id
   * of the connection whose objects it may write, directory-managed fields
   * included. Nothing built from a login ever carries it.
   */
  directorySync?: string;
}

/** Options of the directory sync when it creates or changes an object it owns. */
export interface SourceOptions {
  /** The directory entry behind the object; null detaches it (a server admin's decision). */
  source?: DirectorySource | null;
}

export interface ListParams<S extends string> {
  offset?: number;
  limit?: number;
  q?: string;
  sort?: S;
  order?: SortOrder;
}

export interface DomainService {
  create(actor: Actor, input: DomainCreate): Promise<Domain>;
  /** By id or by name (ASCII or Unicode). STOA_NOT_FOUND when unknown or outside the actor's scope. */
  get(actor: Actor, idOrName: string): Promise<Domain>;
  update(actor: Actor, idOrName: string, patch: DomainUpdate): Promise<Domain>;
  delete(actor: Actor, idOrName: string): Promise<void>;
  list(actor: Actor, params: ListParams<'name' | 'createdAt'>): Promise<Page<Domain>>;
}

export interface AccountService {
  create(actor: Actor, input: AccountCreate, opts?: SourceOptions): Promise<Account>;
  /**
   * Many accounts, all or none, each checked as create() checks one and
   * audited as one (stoa account import). `dryRun` checks and changes nothing.
   */
  importMany(actor: Actor, inputs: readonly AccountCreate[], options: { dryRun: boolean }): Promise<AccountImportResult>;
  /** By id or by address. */
  get(actor: Actor, idOrAddress: string): Promise<Account>;
  /** Directory-managed fields of a directory account answer STOA_DIRECTORY_MANAGED, except to its sync. */
  update(actor: Actor, idOrAddress: string, patch: AccountUpdate, opts?: SourceOptions): Promise<Account>;
  delete(actor: Actor, idOrAddress: string): Promise<void>;
  list(actor: Actor, params: ListParams<'address' | 'displayName' | 'createdAt' | 'quotaBytes'> & { domain?: string; enabled?: boolean; role?: Role }): Promise<Page<Account>>;
  /**
   * Sets the password and ends every console session, API token and open
   * protocol session of the account; `keepCredentialId` spares the console
   * session that asked for the change.
   */
  setPassword(actor: Actor, idOrAddress: string, password: string, options?: { keepCredentialId?: string }): Promise<void>;
  /** Only a server admin grants roles; a domain admin's domains must exist. */
  grantRole(actor: Actor, idOrAddress: string, grant: RoleGrant): Promise<Account>;
}

export interface GroupService {
  create(actor: Actor, input: GroupCreate, opts?: SourceOptions): Promise<Group>;
  get(actor: Actor, idOrAddress: string): Promise<Group>;
  update(actor: Actor, idOrAddress: string, patch: GroupUpdate, opts?: SourceOptions): Promise<Group>;
  delete(actor: Actor, idOrAddress: string): Promise<void>;
  list(actor: Actor, params: ListParams<'address' | 'name' | 'createdAt'> & { domain?: string }): Promise<Page<Group>>;
  /** Every account id reached through nested groups, and external addresses; cycles are cut. */
  expand(groupId: string): Promise<{ accountIds: string[]; external: string[] }>;
}

export interface AliasService {
  create(actor: Actor, input: AliasCreate, opts?: SourceOptions): Promise<Alias>;
  get(actor: Actor, idOrAddress: string): Promise<Alias>;
  update(actor: Actor, idOrAddress: string, patch: AliasUpdate, opts?: SourceOptions): Promise<Alias>;
  delete(actor: Actor, idOrAddress: string): Promise<void>;
  list(actor: Actor, params: ListParams<'address' | 'createdAt'> & { domain?: string }): Promise<Page<Alias>>;
}

export interface ResourceService {
  create(actor: Actor, input: ResourceCreate): Promise<Resource>;
  get(actor: Actor, idOrAddress: string): Promise<Resource>;
  update(actor: Actor, idOrAddress: string, patch: ResourceUpdate): Promise<Resource>;
  delete(actor: Actor, idOrAddress: string): Promise<void>;
  list(actor: Actor, params: ListParams<'address' | 'name' | 'createdAt'> & { domain?: string }): Promise<Page<Resource>>;
}

export interface AppPasswordService {
  /** A user manages their own; admins manage those of accounts in their scope. Returns the secret once. */
  create(actor: Actor, accountIdOrAddress: string, name: string): Promise<{ appPassword: AppPassword; secret: string }>;
  list(actor: Actor, accountIdOrAddress: string): Promise<AppPassword[]>;
  revoke(actor: Actor, accountIdOrAddress: string, appPasswordId: string): Promise<void>;
}

/** A server operator account: no domain, no mailbox, role server-admin, a bare login such as "admin". */
export interface OperatorCreate {
  login: string;
  password: string;
  displayName?: string;
}

/** Operator accounts are created only by first start and the CLI (actors with id null), never through the admin API. */
export interface OperatorService {
  create(actor: Actor, input: OperatorCreate): Promise<Account>;
}

export interface AuditService {
  list(actor: Actor, params: ListParams<'at'> & { domain?: string; objectType?: string; objectId?: string; actor?: string; since?: string; until?: string }): Promise<Page<AuditEntry>>;
}

/** Where a recipient address leads, after alias domains, aliases, groups and catch-all. */
export type AddressResolution =
  | { kind: 'account'; account: Account }
  | { kind: 'group'; group: Group }
  | { kind: 'alias'; alias: Alias }
  | { kind: 'resource'; resource: Resource }
  | { kind: 'catch-all'; alias: Alias }
  | { kind: 'shared-mailbox'; sharedMailbox: SharedMailbox }
  | { kind: 'public-folder'; folder: PublicFolderAddress }
  | null;

/**
 * A mailbox a message to some address ends in. `address` is the owner's
 * primary address (Delivered-To). `accountId` is the owner of the mailbox
 * tree: an account, a shared mailbox, or a domain's public folders, where
 * `mailboxId` names the addressed folder (delivered there, not to INBOX).
 */
export interface LocalTarget { accountId: string; address: string; mailboxId?: string }

/** Where one recipient address leads (recipient-expansion.ts). */
export interface AddressExpansion {
  /** The address, normalised (lower-case local part, ASCII domain). */
  address: string;
  /** Local mailboxes, one per account. */
  local: LocalTarget[];
  /** External addresses reached through aliases, lists or forwarding. */
  forward: string[];
  /** True for an address outside our domains. */
  remote: boolean;
  /** What the address is in the directory. */
  kind: 'account' | 'alias' | 'catch-all' | 'group' | 'resource' | 'remote' | 'shared-mailbox' | 'public-folder';
  /** The account, when the address is one account's own. */
  account: Account | null;
  /** The shared mailbox, when the address is one's own (its quota is checked at RCPT time like an account's). */
  sharedMailbox?: SharedMailbox | null;
  /** The public folder, when the address is one's (who may post is decided by the intake). */
  folder?: PublicFolderAddress | null;
}

export interface AddressService {
  /** Normalises (IDN, case) and resolves one address; null when nothing in the directory owns it. */
  resolve(address: string): Promise<AddressResolution>;
  /**
   * Follows aliases, groups, catch-all, resources and forwarding to the
   * mailboxes and outside addresses a message to `address` reaches, with the
   * server's one set of loop and size limits. Null when a local address has
   * no owner; STOA_MAILBOX_DISABLED for a disabled account named directly.
   */
  expand(address: string): Promise<AddressExpansion | null>;
  /** Is the domain (or an alias of it) served here? */
  isLocalDomain(domain: string): Promise<boolean>;
}

export type Protocol = 'api' | 'imap' | 'pop3' | 'smtp' | 'dav' | 'managesieve' | 'cli' | 'autodiscover';

export interface AuthRequest {
  username: string;
  password: string;
  protocol: Protocol;
  ip: string | null;
}

export type AuthFailureCode =
  | 'STOA_AUTH_FAILED' | 'STOA_AUTH_THROTTLED' | 'STOA_ACCOUNT_DISABLED' | 'STOA_PROTOCOL_NOT_ALLOWED' | 'STOA_AUTH_UNAVAILABLE';

export type AuthResult =
  /** `actor` is the principal every later service call of this login passes. */
  | { ok: true; account: Account; actor: Actor; via: 'password' | 'app-password' | string; appPasswordId?: string }
  | { ok: false; code: AuthFailureCode; retryAfterSeconds?: number };

/** How a login attempt ended, for the stoa_auth_attempts_total metric. */
export type AuthOutcome = 'success' | 'failed' | 'throttled' | 'disabled' | 'not-allowed' | 'unavailable';

/**
 * A password check that the authentication service consults in order
 * (local hash, app passwords, LDAP/AD). It answers for one account.
 * 'unavailable' (the directory that owns the account cannot be asked) ends
 * the chain without counting a failure: an outage must not throttle everyone.
 */
export interface PasswordVerifier {
  readonly name: string;
  verify(account: Account & { passwordHash: string | null }, password: string, req: AuthRequest): Promise<'ok' | 'fail' | 'skip' | 'unavailable' | { ok: true; appPasswordId: string }>;
  /**
   * Optional: the account id for a login name that is not an address here
   * (an AD sAMAccountName or userPrincipalName). Asked only when no account
   * has the name as its address.
   */
  findAccount?(username: string, req: AuthRequest): Promise<string | null>;
  /**
   * Optional: the one name a login name that is not an address is throttled
   * under (AD "CORP\alice" and "alice" alike), so spelling variants of a
   * directory user name do not each get their own failure counter.
   */
  throttleName?(username: string): string | null;
}

/** What a login rested on, for checking later that it still stands (a session that outlives a password reset). */
export interface LoginGrant {
  accountId: string;
  /** The account's passwordSetAt at login. */
  passwordSetAt: string | null;
  /** The app password used, when one was. */
  appPasswordId?: string;
}

export interface AuthService {
  /**
   * One entry point for every protocol and every login rule: throttling,
   * verifiers in order, disabled accounts and domains, and who may use which
   * protocol (operator accounts have no mailbox: the admin API and the CLI
   * only). A front end maps the result to its protocol's answer and decides
   * nothing itself.
   */
  authenticate(req: AuthRequest): Promise<AuthResult>;
  /**
   * Whether a login made earlier still stands: the account exists and is
   * enabled (its domain too), its password was not changed since, and the
   * app password it used was not revoked. Long-lived sessions (IMAP, POP3)
   * ask this now and then, so a reset made by another process or node ends
   * them too (the change bus ends them at once on this node).
   */
  stillValid(grant: LoginGrant): Promise<boolean>;
  /** Adds a verifier (e.g. LDAP) in front of or after the built-in ones. */
  use(verifier: PasswordVerifier, position?: 'first' | 'last'): void;
}

/** A console session or API token, resolved to its account. */
export interface ResolvedCredential {
  account: Account;
  credential: ApiCredential;
}

/**
 * Console sessions and API bearer tokens. Secrets are 256-bit random values
 * shown once; the store keeps only their SHA-256, so a database leak yields no
 * usable credential. Token creation and revocation are audited.
 */
export interface CredentialService {
  /** A new console session for an account that has just authenticated; ends `replacingSecret`'s session first. */
  openSession(account: Account, opts: { userAgent: string; ttlMs: number; replacingSecret?: string }): Promise<{ secret: string; credential: ApiCredential }>;
  /**
   * The account behind a secret. STOA_UNAUTHENTICATED (with the reason) when
   * the secret is unknown, of the other kind, expired (then forgotten), or its
   * account is deleted or disabled (a disabled account's credentials are dropped when it is disabled).
   */
  resolve(secret: string, kind: ApiCredential['kind']): Promise<ResolvedCredential>;
  closeSession(credentialId: string): Promise<void>;
  /** Ends every console session of an account (after a password change), except optionally one. */
  endSessions(accountId: string, keepCredentialId?: string): Promise<void>;
  createToken(actor: Actor, input: { name: string; expiresInDays?: number }): Promise<{ credential: ApiCredential; secret: string }>;
  listTokens(actor: Actor): Promise<ApiCredential[]>;
  /** Only the owner revokes a token; anyone else's token answers like a missing one. */
  revokeToken(actor: Actor, credentialId: string): Promise<void>;
}

/** Everything the directory offers, as wired by `createDirectory(store, config)`. */
export interface Directory {
  /** External directories (LDAP/AD): connections, tests, syncs (ldap/connection-service.ts). */
  ldap: DirectorySyncService;
  domains: DomainService;
  accounts: AccountService;
  groups: GroupService;
  aliases: AliasService;
  resources: ResourceService;
  appPasswords: AppPasswordService;
  audit: AuditService;
  operators: OperatorService;
  addresses: AddressService;
  /** Whom a user may name when sharing a mailbox (IMAP SETACL): their own domain, throttled. */
  shareTargets: ShareTargetService;
  auth: AuthService;
  credentials: CredentialService;
  /** Shared mailboxes and delegation grants (shared-mailbox-api.ts). */
  sharedMailboxes: SharedMailboxService;
  grants: MailboxGrantService;
  /** Periodic clean-up: forgets login failures older than the throttle window and expired sessions and tokens. */
  housekeeping(): Promise<{ throttleEntriesPruned: number; credentialsExpired: number }>;
  /** Builds the Actor for an authenticated account. */
  actorFor(account: Account, ip: string | null): Actor;
  /** Closes what the directory holds open (pooled LDAP connections of directory logins); before the store closes. */
  close(): Promise<void>;
}
