// Entry point of the command parser: tag, command name and dispatch to the
// per-command argument grammars (RFC 9051 §6 and §9, RFC 3501 §6).
import type { Command, CommandBody, ParseOptions, WireError } from './command-types.ts';
import { type CommandInput, Lexer, ParseFailure, isAstringChar } from './lexer.ts';
import { readFlag, readFlagList, readMailbox } from './arguments.ts';
import { parseFetch } from './parse-fetch.ts';
import { parseSearch, parseSort, parseThread } from './parse-search.ts';
import {
  parseAppend, parseCreate, parseList, parseLsub, parseMailboxIdentifier, parseSelect, parseSetAcl, parseSetQuota, parseStatus,
} from './parse-mailbox-commands.ts';
import { readSequenceSet } from './sequence-set.ts';

export type ParseResult = { ok: true; command: Command } | { ok: false; error: WireError };

export const DEFAULT_PARSE_OPTIONS: ParseOptions = { utf8: false, maxArguments: 10_000, maxDepth: 32 };

/** tag = 1*<any ASTRING-CHAR except "+"> (RFC 9051 §9). */
export function isTagChar(b: number): boolean {
  return b !== 0x2b && isAstringChar(b);
}

/** Reads the tag and upper-cased command name ("UID FETCH" for UID commands) from a first line, as far as they are valid. */
export function peekTagAndName(line: Buffer): { tag: string | null; name: string | null } {
  let i = 0;
  while (i < line.length && isTagChar(line[i])) i++;
  if (i === 0 || (i < line.length && line[i] !== 0x20)) return { tag: null, name: null };
  const tag = line.toString('latin1', 0, i);
  const words = line.toString('latin1', i + 1, Math.min(line.length, i + 64)).split(' ');
  let name = (words[0] ?? '').toUpperCase();
  if (name === 'UID' && words.length > 1) name = `UID ${words[1].toUpperCase()}`;
  return { tag, name: /^[A-Z][A-Z0-9 -]*$/.test(name) ? name : null };
}

function simple(lx: Lexer, name: CommandBody['name']): CommandBody {
  lx.expectEnd();
  return { name } as CommandBody;
}

/** AUTHENTICATE SP auth-type [SP initial-resp]; initial-resp = base64 / "=" (RFC 9051 §6.2.2, RFC 4959 §3). */
function parseAuthenticate(lx: Lexer): CommandBody {
  lx.sp();
  const mechanism = lx.keyword();
  let initialResponse: Buffer | null = null;
  if (!lx.atEnd()) {
    lx.sp();
    const text = lx.run((b) => b !== 0x20, 'an initial response');
    const decoded = decodeBase64Strict(text);
    if (decoded === null) lx.fail('Invalid base64 initial response', 'invalid-base64');
    initialResponse = decoded;
  }
  lx.expectEnd();
  return { name: 'AUTHENTICATE', mechanism, initialResponse };
}

/** base64 per RFC 9051 §9 (padding required); "=" stands for an empty response (RFC 4959 §3). */
export function decodeBase64Strict(text: string): Buffer | null {
  if (text === '=') return Buffer.alloc(0);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

function parseLogin(lx: Lexer): CommandBody {
  lx.sp();
  const username = lx.astringText();
  lx.sp();
  const password = lx.astringText();
  lx.expectEnd();
  return { name: 'LOGIN', username, password };
}

function parseEnable(lx: Lexer): CommandBody {
  const capabilities: string[] = [];
  do {
    lx.sp();
    capabilities.push(lx.keyword());
  } while (!lx.atEnd());
  return { name: 'ENABLE', capabilities };
}

function parseOneMailbox(lx: Lexer, name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'GETQUOTAROOT' | 'GETACL' | 'MYRIGHTS'): CommandBody {
  lx.sp();
  const mailbox = readMailbox(lx);
  lx.expectEnd();
  return { name, mailbox };
}

function parseRename(lx: Lexer): CommandBody {
  lx.sp();
  const from = readMailbox(lx);
  lx.sp();
  const to = readMailbox(lx);
  lx.expectEnd();
  return { name: 'RENAME', from, to };
}

/** store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags (RFC 9051 §6.4.6, RFC 7162 §3.1.3). */
function parseStore(lx: Lexer, uid: boolean): CommandBody {
  lx.sp();
  const sequence = readSequenceSet(lx);
  lx.sp();
  let unchangedSince: bigint | null = null;
  if (lx.peek() === 0x28) {
    lx.open();
    lx.expectKeyword('UNCHANGEDSINCE');
    lx.sp();
    unchangedSince = lx.number64();
    lx.close();
    lx.sp();
  }
  const op = lx.keyword();
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(op);
  if (!m) lx.fail(`Invalid store item ${op}`);
  const operation = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set';
  lx.sp();
  let flags: string[];
  if (lx.peek() === 0x28) {
    flags = readFlagList(lx);
  } else {
    flags = [];
    do flags.push(readFlag(lx));
    while (lx.moreArgs());
  }
  lx.expectEnd();
  return { name: 'STORE', uid, sequence, unchangedSince, operation, silent: m[2] !== undefined, flags };
}

function parseCopyMove(lx: Lexer, name: 'COPY' | 'MOVE', uid: boolean): CommandBody {
  lx.sp();
  const sequence = readSequenceSet(lx);
  lx.sp();
  const mailbox = readMailbox(lx);
  lx.expectEnd();
  return { name, uid, sequence, mailbox };
}

/** id = "ID" SP id-params-list; id-params-list = "(" *(string SP nstring) ")" / nil (RFC 2971 §4). */
function parseId(lx: Lexer): CommandBody {
  lx.sp();
  if (lx.peek() !== 0x28) {
    lx.expectKeyword('NIL');
    lx.expectEnd();
    return { name: 'ID', params: null };
  }
  lx.open();
  const params: Array<[string, string | null]> = [];
  while (lx.peek() !== 0x29) {
    if (params.length > 0) lx.sp();
    const key = lx.string().toString('utf8');
    lx.sp();
    const value = lx.nstring();
    params.push([key, value === null ? null : value.toString('utf8')]);
    // RFC 2971 §3.3: at most 30 field-value pairs.
    if (params.length > 30) lx.fail('Too many ID parameters', 'too-many-arguments');
  }
  lx.close();
  lx.expectEnd();
  return { name: 'ID', params };
}

function parseUidCommand(lx: Lexer): CommandBody {
  lx.sp();
  const sub = lx.keyword();
  switch (sub) {
    case 'FETCH': return parseFetch(lx, true);
    case 'SEARCH': return parseSearch(lx, true);
    case 'STORE': return parseStore(lx, true);
    case 'COPY': return parseCopyMove(lx, 'COPY', true);
    case 'MOVE': return parseCopyMove(lx, 'MOVE', true);
    case 'SORT': return parseSort(lx, true);
    case 'THREAD': return parseThread(lx, true);
    case 'EXPUNGE': {
      // RFC 9051 §6.4.9 (UIDPLUS in RFC 4315 §2.1).
      lx.sp();
      const uids = readSequenceSet(lx);
      lx.expectEnd();
      return { name: 'UID EXPUNGE', uids };
    }
    default: return lx.fail(`Unknown UID command ${sub}`, 'unknown-command');
  }
}

function parseBody(lx: Lexer, name: string): CommandBody {
  switch (name) {
    case 'CAPABILITY': case 'NOOP': case 'LOGOUT': case 'STARTTLS': case 'NAMESPACE': case 'IDLE':
    case 'CHECK': case 'CLOSE': case 'UNSELECT': case 'EXPUNGE':
      return simple(lx, name);
    case 'AUTHENTICATE': return parseAuthenticate(lx);
    case 'LOGIN': return parseLogin(lx);
    case 'ENABLE': return parseEnable(lx);
    case 'SELECT': case 'EXAMINE': return parseSelect(lx, name);
    case 'CREATE': return parseCreate(lx);
    case 'DELETE': case 'SUBSCRIBE': case 'UNSUBSCRIBE': case 'GETQUOTAROOT': case 'GETACL': case 'MYRIGHTS':
      return parseOneMailbox(lx, name);
    case 'RENAME': return parseRename(lx);
    case 'LIST': return parseList(lx);
    case 'LSUB': return parseLsub(lx);
    case 'STATUS': return parseStatus(lx);
    case 'APPEND': return parseAppend(lx);
    case 'SEARCH': return parseSearch(lx, false);
    case 'FETCH': return parseFetch(lx, false);
    case 'STORE': return parseStore(lx, false);
    case 'COPY': case 'MOVE': return parseCopyMove(lx, name, false);
    case 'SORT': return parseSort(lx, false);
    case 'THREAD': return parseThread(lx, false);
    case 'UID': return parseUidCommand(lx);
    case 'GETQUOTA': {
      lx.sp();
      const root = lx.astringText();
      lx.expectEnd();
      return { name: 'GETQUOTA', root };
    }
    case 'SETQUOTA': return parseSetQuota(lx);
    case 'SETACL': return parseSetAcl(lx);
    case 'DELETEACL': case 'LISTRIGHTS': return parseMailboxIdentifier(lx, name);
    case 'ID': return parseId(lx);
    case 'COMPRESS': {
      lx.sp();
      const mechanism = lx.keyword();
      lx.expectEnd();
      return { name: 'COMPRESS', mechanism };
    }
    default: return lx.fail(`Unknown command ${name}`, 'unknown-command');
  }
}

/** Parses one complete command. Never throws: every failure is a typed WireError. */
export function parseCommand(input: CommandInput, opts: ParseOptions = DEFAULT_PARSE_OPTIONS): ParseResult {
  const first = input.lines[0] ?? Buffer.alloc(0);
  const peeked = peekTagAndName(first);
  if (peeked.tag === null) {
    return { ok: false, error: { code: 'invalid-tag', tag: null, command: null, message: 'Missing or invalid tag' } };
  }
  const lx = new Lexer(input, opts);
  try {
    lx.run(isTagChar, 'a tag');
    lx.sp();
    const name = lx.keyword();
    const body = parseBody(lx, name);
    return { ok: true, command: { tag: peeked.tag, ...body } };
  } catch (err) {
    const failure = err instanceof ParseFailure ? err : null;
    // Anything else is a parser bug; it still becomes a BAD rather than a crash.
    return {
      ok: false,
      error: {
        code: failure ? failure.code : 'internal',
        tag: peeked.tag,
        command: peeked.name,
        message: failure ? failure.message : 'Internal parser error',
      },
    };
  }
}
