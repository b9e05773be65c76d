// The one gate before every handler: parse errors, state, plaintext
// credentials, message numbers, RFC 4314 rights on the selected mailbox,
// read-only mailboxes and the bad-command counter are checked here and
// nowhere else; handlers assume a valid, permitted command. After the
// handler, the changes other sessions made are told to the client where
// RFC 9051 §7.5.1 allows.
import { ERRORS, isStoaError } from '../../../errors/catalogue.ts';
import { faultText, isServerFault, newReference } from '../../../errors/incident.ts';
import { COMMANDS } from '../commands/registry.ts';
import { ImapRefusal, type CommandSpec, type ImapContext, type ImapReply } from '../context.ts';
import type { Command, Response, ResponseCode, WireError } from '../wire/index.ts';

/** Bad commands (syntax, unknown, wrong state) before the connection is closed. */
export const MAX_BAD_COMMANDS = 10;

type Tagged = Extract<Response, { kind: 'tagged' }>;

function final(tag: string | null, status: 'NO' | 'BAD', text: string, code?: ResponseCode): Response {
  if (tag === null) return { kind: 'untagged', status, text, ...(code ? { code } : {}) };
  return { kind: 'tagged', tag, status, text, ...(code ? { code } : {}) } satisfies Tagged;
}

/** A BAD that counts towards the abuse limit; past it the reply ends with BYE and the connection closes. */
export function badCommand(ctx: ImapContext, tag: string | null, text: string, code?: ResponseCode): ImapReply {
  ctx.session.badCommands += 1;
  if (ctx.session.badCommands >= MAX_BAD_COMMANDS) {
    return { type: 'done', responses: [final(tag, 'BAD', text, code)], final: { kind: 'untagged', status: 'BYE', text: 'Too many bad commands; closing' }, after: 'close' };
  }
  return { type: 'done', responses: [], final: final(tag, 'BAD', text, code) };
}

/** A reader or parser failure (RFC 9051 §7.1.5: BAD, tagged when the tag could be read). */
export function wireFailure(ctx: ImapContext, error: WireError): ImapReply {
  if (error.code === 'literal-too-large' || error.code === 'command-too-large') {
    // RFC 7889 §4: an APPEND over APPENDLIMIT is refused with TOOBIG; other oversized input hits a server limit (RFC 5530).
    const code: ResponseCode = { code: error.command === 'APPEND' ? 'TOOBIG' : 'LIMIT' };
    ctx.session.badCommands += 1;
    return { type: 'done', responses: [], final: final(error.tag, 'NO', error.message, code) };
  }
  if (error.code === 'invalid-mailbox-name' && error.tag !== null) return undecodableName(ctx, error);
  const code: ResponseCode | undefined = error.code === 'unknown-command' || error.code === 'syntax' ? { code: 'CLIENTBUG' } : undefined;
  return badCommand(ctx, error.tag, error.message, code);
}

/** Commands whose argument names a mailbox to be made: an undecodable name can never be one. */
const CREATING = new Set(['CREATE', 'RENAME']);
/** Commands that answer with the mailboxes matching a pattern: an undecodable pattern matches none. */
const LISTING = new Set(['LIST', 'LSUB']);

/**
 * A mailbox name that is a valid astring (RFC 3501 §9) but not valid
 * modified UTF-7 (§5.1.3), or not UTF-8 under UTF8=ACCEPT: the command is
 * well-formed, so it gets an answer, not BAD. Such a name denotes no
 * mailbox: LIST/LSUB match nothing, CREATE/RENAME cannot make it, anything
 * else finds no such mailbox. Not counted as a bad command.
 */
function undecodableName(ctx: ImapContext, error: WireError): ImapReply {
  const tag = error.tag!;
  const name = error.command ?? '';
  const spec = COMMANDS.get(name as Command['name']);
  if (spec && !spec.states.includes(ctx.session.state)) return badCommand(ctx, tag, `${name} is not valid in this state`);
  if (LISTING.has(name)) return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'OK', text: `${name} completed` } };
  const code: ResponseCode = { code: CREATING.has(name) ? 'CANNOT' : 'NONEXISTENT' };
  return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'NO', code, text: `${error.message}: no mailbox has this name` } };
}

function stateRefusal(ctx: ImapContext, command: Command): string {
  switch (ctx.session.state) {
    case 'not-authenticated': return `${command.name} needs login first`;
    case 'authenticated': return `${command.name} needs a selected mailbox`;
    default: return `${command.name} is not valid in this state`;
  }
}

function sequenceOf(command: Command): { set: import('../wire/index.ts').SequenceSet; uid: boolean } | null {
  switch (command.name) {
    case 'FETCH': case 'STORE': case 'COPY': case 'MOVE':
      return { set: command.sequence, uid: command.uid };
    case 'UID EXPUNGE':
      return { set: command.uids, uid: true };
    default:
      return null;
  }
}

/**
 * A handler threw: domain errors map to their catalogue IMAP code; a fault on
 * the server's side (store down, disk full, a bug) answers its title and a
 * reference id, and only the log line with the same id has the detail
 * (errors/incident.ts: the detail may name files).
 */
export function failure(ctx: ImapContext, tag: string, err: unknown): ImapReply {
  if (err instanceof ImapRefusal) {
    return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'NO', text: err.message, ...(err.code ? { code: err.code } : {}) } };
  }
  if (isStoaError(err) && !isServerFault(err)) {
    const imap = (ERRORS[err.code] as { imap?: string }).imap as ResponseCode['code'] | undefined;
    return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'NO', text: err.message, ...(imap ? { code: { code: imap } as ResponseCode } : {}) } };
  }
  const ref = newReference();
  const spec = isStoaError(err) ? err.spec : ERRORS.STOA_INTERNAL;
  const code = ((spec as { imap?: string }).imap ?? 'SERVERBUG') as ResponseCode['code'];
  if (isStoaError(err, 'STOA_STORE_UNAVAILABLE')) ctx.logger.warn({ err, ref }, 'imap command failed');
  else ctx.logger.error({ err, ref }, 'imap command failed');
  return { type: 'done', responses: [], final: { kind: 'tagged', tag, status: 'NO', code: { code } as ResponseCode, text: faultText(spec.title, ref) } };
}

async function* withUpdates(ctx: ImapContext, responses: Iterable<Response> | AsyncIterable<Response>, allowExpunge: boolean): AsyncIterable<Response> {
  yield* responses;
  const selected = ctx.session.selected;
  if (selected && selected.hasPending && !ctx.signal.aborted) {
    await selected.refreshRights(ctx.services);
    const { condstore, qresync, rev2 } = ctx.session;
    yield* await selected.flush(ctx.services, { allowExpunge, condstore, qresync, rev2 });
  }
}

export async function dispatch(ctx: ImapContext, command: Command): Promise<ImapReply> {
  const spec = COMMANDS.get(command.name) as CommandSpec | undefined;
  const { session } = ctx;
  if (!spec) return badCommand(ctx, command.tag, `${command.name} is not supported`, { code: 'CLIENTBUG' });
  if (!spec.states.includes(session.state)) return badCommand(ctx, command.tag, stateRefusal(ctx, command));
  if (spec.sendsCredentials && !session.secure && !ctx.listener.allowPlaintextAuth) {
    // RFC 9051 §6.2.3: LOGINDISABLED; RFC 5530 PRIVACYREQUIRED.
    return { type: 'done', responses: [], final: { kind: 'tagged', tag: command.tag, status: 'NO', code: { code: 'PRIVACYREQUIRED' }, text: 'Use STARTTLS before logging in' } };
  }
  if (session.state === 'selected') {
    const { selected } = session;
    const seq = sequenceOf(command);
    if (seq && !seq.uid && !selected.validSequenceNumbers(seq.set)) {
      return badCommand(ctx, command.tag, `Message numbers are 1 to ${selected.exists}`, { code: 'CLIENTBUG' });
    }
    if (spec.selectedRights) {
      // An ACL change announced on the bus is read before the command is judged (the services check every call regardless).
      await selected.refreshRights(ctx.services);
      if (!selected.visible) {
        // RFC 4314 §4: without "l" and "r" the mailbox no longer exists for this user.
        return { type: 'done', responses: [], final: { kind: 'tagged', tag: command.tag, status: 'NO', code: { code: 'NONEXISTENT' }, text: 'The selected mailbox is no longer available to you' } };
      }
      const needed = typeof spec.selectedRights === 'function' ? spec.selectedRights(command as never) : spec.selectedRights;
      const missing = [...needed].filter((r) => !selected.rights.includes(r));
      if (missing.length > 0) return { type: 'done', responses: [], final: { kind: 'tagged', tag: command.tag, status: 'NO', code: { code: 'NOPERM' }, text: `Missing rights: ${missing.join('')}` } };
    }
    if (spec.writes && selected.readOnly) {
      return { type: 'done', responses: [], final: { kind: 'tagged', tag: command.tag, status: 'NO', code: { code: 'READ-ONLY' }, text: 'Mailbox is open read-only (EXAMINE)' } };
    }
  }
  let reply: ImapReply;
  try {
    reply = await spec.handler(ctx, command as never);
  } catch (err) {
    reply = failure(ctx, command.tag, err);
  }
  if (reply.type !== 'done' || reply.after === 'close') return reply;
  const allowExpunge = !(spec.holdsExpunges?.(command as never) ?? false);
  return { ...reply, responses: withUpdates(ctx, reply.responses, allowExpunge) };
}
