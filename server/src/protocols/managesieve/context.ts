// What every ManageSieve command handler receives and returns. Handlers are
// `async (ctx, command)` and return reply objects; the connection alone
// writes bytes (wire/serialize.ts).
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { Actor, AuthService } from '../../directory/api.ts';
import type { Logger } from '../../log/logger.ts';
import type { SieveService } from '../../sieve/sieve-service.ts';
import type { ManageSieveCommand, SaslLine, Verb } from './wire/parse-command.ts';
import type { ResponseCode } from './wire/serialize.ts';

export interface ManageSieveServices {
  auth: AuthService;
  sieve: SieveService;
}

export interface ManageSieveSettings {
  /** STARTTLS can be offered (TLS material is there). */
  starttls: boolean;
  /** AUTHENTICATE before STARTTLS (listeners.managesieve.allowPlaintextAuth). */
  allowPlaintextAuth: boolean;
}

export interface ManageSieveSession {
  readonly id: string;
  secure: boolean;
  readonly remoteAddress: string | null;
  account: Account | null;
  actor: Actor | null;
  authFailures: number;
  badCommands: number;
}

export interface ManageSieveContext {
  session: ManageSieveSession;
  services: ManageSieveServices;
  settings: ManageSieveSettings;
  /** The connection's logger ({ proto, conn, ip, listener }), with `user` once logged in. */
  logger: Logger;
  /** Counts this login against managesieve.maxSessionsPerAccountIp until the connection closes; false when over. */
  claimSession(accountId: string): boolean;
  /** The connection's logger without a user, restored by UNAUTHENTICATE. */
  readonly connectionLogger: Logger;
}

/** A SASL exchange's next step: receives the client's next line (RFC 5804 §2.1). */
export type SaslStep = (ctx: ManageSieveContext, line: SaslLine) => Promise<ManageSieveReply>;

export type ManageSieveReply =
  /** OK / NO / BYE; `after` closes the connection or starts TLS once written. */
  | { type: 'response'; kind: 'OK' | 'NO' | 'BYE'; text?: string; code?: ResponseCode; after?: 'close' | 'starttls' }
  /** Lines before the final response (capabilities, listings, a script). */
  | { type: 'data'; body: Buffer; then: ManageSieveReply }
  /** A SASL challenge, with the step that reads the answer. */
  | { type: 'challenge'; data: Buffer; next: SaslStep };

export type CommandOf<V extends Verb> = Extract<ManageSieveCommand, { verb: V }>;

export interface CommandSpec<V extends Verb = Verb> {
  verb: V;
  /** 'any': before and after login; 'anonymous': before login only; 'authenticated': after. */
  state: 'any' | 'anonymous' | 'authenticated';
  // Method syntax on purpose: the registry holds specs of every verb under one type.
  handler(ctx: ManageSieveContext, command: CommandOf<V>): Promise<ManageSieveReply>;
}

export const ok = (text?: string, code?: ResponseCode): ManageSieveReply => ({ type: 'response', kind: 'OK', text, code });
export const no = (text: string, code?: ResponseCode): ManageSieveReply => ({ type: 'response', kind: 'NO', text, code });

/** The logged-in actor; the dispatcher only lets authenticated commands through, so it is there. */
export function actorOf(ctx: ManageSieveContext): { actor: Actor; accountId: string } {
  return { actor: ctx.session.actor!, accountId: ctx.session.account!.id };
}
