// What every IMAP command handler receives and returns. Handlers are
// `async (ctx, command)` and return replies (typed responses, never bytes);
// the connection alone serializes and writes them (wire/serialize-response.ts).
import type { ShareTargetService } from '../../directory/share-targets.ts';
import type { Readable } from 'node:stream';
import type { AccountService, Actor, AuthService, GroupService, LoginGrant } from '../../directory/api.ts';
import type { SharedMailboxService } from '../../directory/shared-mailbox-api.ts';
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { Logger } from '../../log/logger.ts';
import type { MailboxService, MessageService } from '../../mail/api.ts';
import type { Command, CommandName, Response, SequenceSet } from './wire/index.ts';
import type { SelectedMailbox } from './session/selected-mailbox.ts';

/** RFC 9051 §3: the connection states. */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface ImapServices {
  auth: AuthService;
  accounts: AccountService;
  /** ACL identifiers naming groups ("$sales@example.com", session/acl-identifiers.ts). */
  groups: GroupService;
  /** Whom SETACL may name: the user's own domain, with lookups throttled (directory/share-targets.ts). */
  shareTargets: ShareTargetService;
  /** Shared mailboxes by address, for their trees' names (session/namespaces.ts). */
  sharedMailboxes: SharedMailboxService;
  mailboxes: MailboxService;
  messages: MessageService;
  bus: ChangeBus;
}

export interface ImapListenerInfo {
  name: 'imap' | 'imaps';
  /** STARTTLS can be offered (plain listener). */
  starttls: boolean;
  /** LOGIN/AUTHENTICATE before TLS (listeners.imap.allowPlaintextAuth). */
  allowPlaintextAuth: boolean;
}

export interface ImapSettings {
  hostname: string;
  /** RFC 7889 APPENDLIMIT and the reader's largest APPEND literal. */
  appendLimit: number;
  /** Where streamed APPEND literals are spooled while they arrive. */
  spoolDir: string;
  /** From connect to login, whatever the client sends meanwhile (imap.preAuthTimeoutSeconds). */
  preAuthTimeoutMs: number;
  /** Clock in ms since the epoch (tests move it). */
  now: () => number;
  /** Where shared mailboxes opened through full access are shown (mail.sharedMailboxes.imapPrefix); "Other Users" when absent. */
  sharedMailboxPrefix?: 'Other Users' | 'Shared';
}

/** What a session carries in every state. */
export interface SessionBase {
  readonly id: string;
  secure: boolean;
  readonly remoteAddress: string | null;
  /** RFC 9051 §6.3.1 / RFC 5161 ENABLE. */
  rev2: boolean;
  utf8: boolean;
  condstore: boolean;
  qresync: boolean;
  compressed: boolean;
  /** RFC 5182 SEARCHRES: UIDs saved by SEARCH RETURN (SAVE). */
  savedUids: number[];
  badCommands: number;
  authFailures: number;
}

/**
 * RFC 9051 §3 connection states, each with what it guarantees: after login
 * the account and its Actor (what every service call passes), in the
 * selected state the mailbox. Transitions go through session-state.ts.
 */
export type SessionState =
  | { state: 'not-authenticated'; account: null; actor: null; selected: null }
  | { state: 'authenticated'; account: Account; actor: Actor; selected: null }
  | { state: 'selected'; account: Account; actor: Actor; selected: SelectedMailbox }
  | { state: 'logout'; account: Account | null; actor: Actor | null; selected: null };

export type ImapSession = SessionBase & SessionState;

/** The session as a handler for these states sees it. */
export type SessionIn<S extends ImapState> = SessionBase & Extract<SessionState, { state: S }>;

export interface ImapContext<Session extends ImapSession = ImapSession> {
  session: Session;
  services: ImapServices;
  listener: ImapListenerInfo;
  settings: ImapSettings;
  logger: Logger;
  /** Aborted when the connection goes away. */
  signal: AbortSignal;
  /** APPEND literals the connection spooled to disk as they arrived, by literal index. */
  literals: LiteralSpool;
  /**
   * Ends the connection (with BYE) when the login no longer stands: at once
   * for an account event on this node's bus (password changed, disabled,
   * deleted), and at the next command at most LOGIN_RECHECK_MS later for a
   * change made by another process or node.
   */
  watchLogin(grant: LoginGrant): void;
  /**
   * Counts this login against imap.maxSessionsPerAccountIp (released when the
   * connection closes); false when the account has that many sessions from
   * this address already.
   */
  claimSession(accountId: string): boolean;
}

/** RFC 7888/3502 APPEND literals too large to hold in memory, streamed back from the spool. */
export interface LiteralSpool {
  open(index: number): Readable;
}

/** The client's next line during a multi-step exchange (AUTHENTICATE response, IDLE "DONE"). */
export type LineStep = (ctx: ImapContext, line: Buffer) => Promise<ImapReply>;

export type ImapReply =
  /** Responses, then the tagged completion; `after` asks the connection to act once they are written. */
  | { type: 'done'; responses: Iterable<Response> | AsyncIterable<Response>; final: Response; after?: 'close' | 'starttls' | 'compress' }
  /** "+ …" then read one raw line and hand it to `next` (RFC 9051 §7.5). */
  | { type: 'continue'; responses: Response[]; prompt: Response; next: LineStep; idle?: boolean };

/** The command shape for one or more names (several names can share one shape, e.g. SUBSCRIBE and UNSUBSCRIBE). */
export type CommandOf<N extends CommandName> = N extends unknown
  ? (Command extends infer C ? (C extends { name: infer M } ? (N extends M ? Omit<C, 'name'> & { name: N } : never) : never) : never)
  : never;

/** What the dispatcher checks on a command's selected mailbox before its handler runs (RFC 4314 §4). */
export interface CommandSpec<N extends CommandName = CommandName, S extends ImapState = ImapState> {
  names: readonly N[];
  /** The states the command is valid in; the handler's session is typed by them. */
  states: readonly S[];
  /** Carries a password: refused before TLS unless the listener allows plaintext auth. */
  sendsCredentials?: boolean;
  /** Rights needed on the selected mailbox (checked by the dispatcher). */
  selectedRights?: string | ((command: CommandOf<N>) => string);
  /** Refused on a mailbox opened with EXAMINE (RFC 9051 §6.3.3). */
  writes?: boolean;
  /**
   * RFC 9051 §7.5.1: non-UID FETCH, STORE and SEARCH must not be answered
   * with EXPUNGE; the session queues them until the next permitted point.
   */
  holdsExpunges?: (command: CommandOf<N>) => boolean;
  handler(ctx: ImapContext<SessionIn<S>>, command: CommandOf<N>): Promise<ImapReply>;
}

/** A logged-in context (authenticated or selected). */
export type AuthedContext = ImapContext<SessionIn<'authenticated' | 'selected'>>;
/** A context with a selected mailbox. */
export type SelectedContext = ImapContext<SessionIn<'selected'>>;

export function done(tag: string, text: string, responses: Response[] = [], code?: Extract<Response, { kind: 'tagged' }>['code']): ImapReply {
  return { type: 'done', responses, final: { kind: 'tagged', tag, status: 'OK', text, ...(code ? { code } : {}) } };
}

export function no(tag: string, text: string, code?: Extract<Response, { kind: 'tagged' }>['code'], responses: Response[] = []): ImapReply {
  return { type: 'done', responses, final: { kind: 'tagged', tag, status: 'NO', text, ...(code ? { code } : {}) } };
}

export function bad(tag: string, text: string, code?: Extract<Response, { kind: 'tagged' }>['code']): ImapReply {
  return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'BAD', text, ...(code ? { code } : {}) } };
}

/**
 * A refusal decided deep inside a handler (for example NO [UNKNOWN-CTE] while
 * FETCH BINARY decodes a part): the dispatcher turns it into a tagged NO.
 */
export class ImapRefusal extends Error {
  readonly code: Extract<Response, { kind: 'tagged' }>['code'];
  constructor(text: string, code?: Extract<Response, { kind: 'tagged' }>['code']) {
    super(text);
    this.name = 'ImapRefusal';
    this.code = code;
  }
}

/** A sequence set referring to "$" needs the saved result (RFC 5182 §2.1). */
export function usesSaved(set: SequenceSet): boolean {
  return set.saved;
}
