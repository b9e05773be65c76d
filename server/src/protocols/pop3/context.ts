// What every POP3 command handler receives and returns. Handlers are
// `async (ctx, command)` and return reply objects; the connection alone
// writes bytes (wire/serialize.ts, wire/message-encoder.ts).
import type { Readable } from 'node:stream';
import type { Actor, AuthService, LoginGrant } from '../../directory/api.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { Logger } from '../../log/logger.ts';
import type { MailboxService, MessageService } from '../../mail/api.ts';
import type { MaildropLocks } from '../../mail/maildrop-lock.ts';
import type { Pop3Command, Pop3Verb, ResponseCode } from './wire/command-types.ts';
import type { SaslLine } from './wire/parse-command.ts';
import type { Maildrop } from './session/maildrop.ts';
import type { SizeCache } from './session/size-cache.ts';

/** RFC 1939 §3: AUTHORIZATION, then TRANSACTION, then UPDATE at QUIT. */
export type Pop3State = 'authorization' | 'transaction' | 'update';

export interface Pop3Services {
  auth: AuthService;
  mailboxes: MailboxService;
  messages: MessageService;
  /** RFC 1939 §8 maildrop locks, held across nodes. */
  maildrops: MaildropLocks;
  /** Account events end the session (a password reset, a disabled account). */
  bus: ChangeBus;
  /** POP3 sizes of bodies, shared by every session of this process. */
  sizes: SizeCache;
}

export interface Pop3ListenerInfo {
  name: 'pop3' | 'pop3s';
  /** STLS can be offered (plain listener with TLS material). */
  stls: boolean;
  /** USER/PASS/AUTH before TLS (listeners.pop3.allowPlaintextAuth). */
  allowPlaintextAuth: boolean;
}

export interface Pop3Settings {
  hostname: string;
  keepDeleted: boolean;
  /** RETR marks \Seen at QUIT (pop3.markSeen). */
  markSeen: boolean;
  /** Clock in ms since the epoch (tests move it). */
  now: () => number;
}

/** What a session carries in every state. */
export interface Pop3SessionBase {
  readonly id: string;
  /** The connection is TLS (implicit, or after STLS). */
  secure: boolean;
  readonly remoteAddress: string | null;
  /** The name given by USER, waiting for PASS (RFC 1939 §7). */
  pendingUser: string | null;
  /** RFC 6856 UTF8 mode. */
  utf8: boolean;
  authFailures: number;
  badCommands: number;
}

/**
 * RFC 1939 §3 states with what each guarantees: after login the Actor every
 * service call passes and the INBOX snapshot with its lock.
 */
export type Pop3SessionState =
  | { state: 'authorization'; actor: null; maildrop: null }
  | { state: 'transaction'; actor: Actor; maildrop: Maildrop }
  | { state: 'update'; actor: Actor; maildrop: Maildrop };

export type Pop3Session = Pop3SessionBase & Pop3SessionState;
export type Pop3SessionIn<S extends Pop3State> = Pop3SessionBase & Extract<Pop3SessionState, { state: S }>;

export interface Pop3Context<Session extends Pop3Session = Pop3Session> {
  session: Session;
  services: Pop3Services;
  listener: Pop3ListenerInfo;
  settings: Pop3Settings;
  logger: Logger;
  /** Aborted when the connection goes away. */
  signal: AbortSignal;
  /** Ends the connection when the login no longer stands (password changed, account disabled or deleted); see the IMAP twin. */
  watchLogin(grant: LoginGrant): void;
}

/** A logged-in context (TRANSACTION). */
export type TransactionContext = Pop3Context<Pop3SessionIn<'transaction'>>;

/** A SASL exchange's next step: receives the client's next line (RFC 5034 §4). */
export type SaslStep = (ctx: Pop3Context, line: SaslLine) => Promise<Pop3Reply>;

export type Pop3Reply =
  /** "+OK"/"-ERR" line; `after` asks the connection to close or start TLS once it is written. */
  | { type: 'status'; ok: boolean; text: string; code?: ResponseCode; after?: 'close' | 'starttls' }
  /** A small multi-line answer (CAPA, LIST, UIDL). */
  | { type: 'lines'; text: string; lines: readonly string[] }
  /** RETR/TOP: streamed from the blob, never held whole in memory; `bodyLines` null = whole message. */
  | { type: 'message'; text: string; open: () => Promise<Readable>; bodyLines: number | null }
  /** "+ challenge": the typed continuation of AUTH. */
  | { type: 'challenge'; data: Buffer; next: SaslStep };

export type CommandOf<V extends Pop3Verb> = Extract<Pop3Command, { verb: V }>;

export interface Pop3CommandSpec<V extends Pop3Verb = Pop3Verb, S extends Pop3State = Pop3State> {
  verb: V;
  /** The states the verb is valid in; the handler's session is typed by them. */
  states: readonly S[];
  /** Carries a password: refused before TLS unless the listener allows plaintext auth. */
  sendsCredentials?: boolean;
  /**
   * How the dispatcher checks the message-number argument against the
   * maildrop: 'required' (RETR, DELE, TOP) or 'optional' (LIST, UIDL).
   */
  messageArgument?: 'required' | 'optional';
  // Method syntax on purpose: the registry holds specs of every verb under one type.
  handler(ctx: Pop3Context<Pop3SessionIn<S>>, command: CommandOf<V>): Promise<Pop3Reply>;
}

export const ok = (text: string): Pop3Reply => ({ type: 'status', ok: true, text });
export const err = (text: string, code?: ResponseCode): Pop3Reply => ({ type: 'status', ok: false, text, code });
