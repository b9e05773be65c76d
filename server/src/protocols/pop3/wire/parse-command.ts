// One command line (without CRLF) → a typed command or a parse error.
// RFC 1939 §3: a keyword of 3–4 characters, case-insensitive, then arguments
// separated by single spaces. RFC 2449 §3 lets keywords and arguments be up
// to 40 characters; message numbers are decimal, without sign.
import type { ParseError, ParseResult, Pop3Command, Pop3Verb } from './command-types.ts';
import { POP3_VERBS } from './command-types.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 2449 §3: arguments are at most 40 characters. */
const MAX_ARGUMENT = 40;
/** Ten digits: enough for any maildrop, short of overflowing an integer. */
const NUMBER = /^[0-9]{1,10}$/;
/** RFC 4422 §3.1 mechanism names: upper-case letters, digits, hyphen, underscore, 1–20 long. */
const MECHANISM = /^[A-Za-z0-9_-]{1,20}$/;
/** RFC 5034 §4: the initial response is base64 or "=" for an empty one. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const badArgs = (verb: Pop3Verb, message: string): ParseResult => ({ ok: false, error: { code: 'bad-arguments', verb, message } });

function messageNumber(arg: string): number | null {
  if (!NUMBER.test(arg)) return null;
  const n = Number(arg);
  return n >= 1 ? n : null;
}

/** Splits on single spaces; RFC 1939 §3 allows no other separator, but trailing spaces are forgiven. */
function words(rest: string): string[] {
  const trimmed = rest.replace(/ +$/, '');
  return trimmed === '' ? [] : trimmed.split(' ');
}

function noArgs(verb: Pop3Verb, args: string[]): ParseResult {
  return args.length === 0 ? { ok: true, command: { verb } as Pop3Command } : badArgs(verb, `${verb} takes no arguments`);
}

function optionalNumber(verb: 'LIST' | 'UIDL', args: string[]): ParseResult {
  if (args.length === 0) return { ok: true, command: { verb, msg: null } };
  const msg = args.length === 1 ? messageNumber(args[0]) : null;
  return msg === null ? badArgs(verb, `${verb} takes an optional message number`) : { ok: true, command: { verb, msg } };
}

function oneNumber(verb: 'RETR' | 'DELE', args: string[]): ParseResult {
  const msg = args.length === 1 ? messageNumber(args[0]) : null;
  return msg === null ? badArgs(verb, `${verb} needs a message number`) : { ok: true, command: { verb, msg } };
}

function parseArguments(verb: Pop3Verb, rest: string): ParseResult {
  // USER and PASS take the rest of the line: RFC 1939 §7 notes that a
  // password may contain spaces, and so may some legacy login names.
  if (verb === 'USER') {
    return rest.trim() === '' ? badArgs(verb, 'USER needs a name') : { ok: true, command: { verb, name: rest.trim() } };
  }
  if (verb === 'PASS') {
    return rest === '' ? badArgs(verb, 'PASS needs a password') : { ok: true, command: { verb, password: rest } };
  }
  const args = words(rest);
  // The SASL initial response is exempt from the 40-character limit (RFC 5034 §4).
  const limited = verb === 'AUTH' ? args.slice(0, 1) : args;
  if (args.some((a) => a === '') || limited.some((a) => a.length > MAX_ARGUMENT)) return badArgs(verb, 'malformed arguments');
  switch (verb) {
    case 'STLS': case 'CAPA': case 'UTF8': case 'QUIT': case 'STAT': case 'NOOP': case 'RSET':
      return noArgs(verb, args);
    case 'LIST': case 'UIDL':
      return optionalNumber(verb, args);
    case 'RETR': case 'DELE':
      return oneNumber(verb, args);
    case 'TOP': {
      const msg = args.length === 2 ? messageNumber(args[0]) : null;
      const lines = args.length === 2 && NUMBER.test(args[1]) ? Number(args[1]) : null;
      if (msg === null || lines === null) return badArgs(verb, 'TOP needs a message number and a number of lines');
      return { ok: true, command: { verb, msg, lines } };
    }
    case 'AUTH': {
      // RFC 5034 §4: AUTH without a mechanism lists the mechanisms (as CAPA SASL does).
      if (args.length === 0) return { ok: true, command: { verb, mechanism: null, initialResponse: null } };
      if (args.length > 2 || !MECHANISM.test(args[0])) return badArgs(verb, 'AUTH needs a SASL mechanism name');
      const initial = args[1] ?? null;
      if (initial !== null && initial !== '=' && !BASE64.test(initial)) return badArgs(verb, 'the initial response is not base64');
      return { ok: true, command: { verb, mechanism: args[0].toUpperCase(), initialResponse: initial } };
    }
  }
  return { ok: false, error: { code: 'unknown-command', message: 'unknown command' } };
}

export function parseCommand(line: Buffer): ParseResult {
  if (line.length === 0) return { ok: false, error: { code: 'empty', message: 'empty command' } };
  // NUL and other controls are never part of a command (TAB is not a separator either).
  for (const byte of line) {
    if (byte < 0x20 || byte === 0x7f) return { ok: false, error: { code: 'bad-bytes', message: 'control characters in command' } };
  }
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    return { ok: false, error: { code: 'bad-bytes', message: 'command is not valid UTF-8' } };
  }
  const space = text.indexOf(' ');
  const keyword = (space === -1 ? text : text.slice(0, space)).toUpperCase();
  const rest = space === -1 ? '' : text.slice(space + 1);
  const verb = POP3_VERBS.find((v) => v === keyword);
  if (verb === undefined) {
    return { ok: false, error: { code: 'unknown-command', message: 'unknown command' } satisfies ParseError };
  }
  return parseArguments(verb, rest);
}

/** A SASL response line (RFC 5034 §4): base64, "=" for empty, or "*" to cancel. */
export type SaslLine = { kind: 'data'; data: Buffer } | { kind: 'cancel' } | { kind: 'bad' };

export function parseSaslLine(line: Buffer): SaslLine {
  const text = line.toString('latin1');
  if (text === '*') return { kind: 'cancel' };
  if (text === '=' || text === '') return { kind: 'data', data: Buffer.alloc(0) };
  if (!BASE64.test(text)) return { kind: 'bad' };
  return { kind: 'data', data: Buffer.from(text, 'base64') };
}

/** Decodes an initial response ("=" is the empty one). The parser already checked the grammar. */
export function decodeInitialResponse(initial: string): Buffer {
  return initial === '=' ? Buffer.alloc(0) : Buffer.from(initial, 'base64');
}
