// Typed POP3 commands, as the parser returns them. The argument grammar of
// each verb (RFC 1939 §§4–7, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4,
// RFC 6856 §2) is checked here, below the dispatcher, so handlers receive
// well-formed values only.

/** A message number: 1-based, as sent (it may exceed the maildrop; the dispatcher checks that). */
export type MessageNumber = number;

export type Pop3Command =
  | { verb: 'USER'; name: string }
  | { verb: 'PASS'; password: string }
  | { verb: 'AUTH'; mechanism: string | null; initialResponse: string | null }
  | { verb: 'STLS' }
  | { verb: 'CAPA' }
  | { verb: 'UTF8' }
  | { verb: 'QUIT' }
  | { verb: 'STAT' }
  | { verb: 'LIST'; msg: MessageNumber | null }
  | { verb: 'UIDL'; msg: MessageNumber | null }
  | { verb: 'RETR'; msg: MessageNumber }
  | { verb: 'TOP'; msg: MessageNumber; lines: number }
  | { verb: 'DELE'; msg: MessageNumber }
  | { verb: 'NOOP' }
  | { verb: 'RSET' };

export type Pop3Verb = Pop3Command['verb'];

export const POP3_VERBS: readonly Pop3Verb[] = [
  'USER', 'PASS', 'AUTH', 'STLS', 'CAPA', 'UTF8', 'QUIT', 'STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'NOOP', 'RSET',
];

export type ParseErrorCode =
  /** Longer than the line limit; the reader skipped to the next CRLF. */
  | 'line-too-long'
  /** NUL or another control character where none is allowed. */
  | 'bad-bytes'
  | 'empty'
  | 'unknown-command'
  | 'bad-arguments';

export interface ParseError {
  code: ParseErrorCode;
  /** For the "-ERR" text: safe to echo (never contains the client's bytes). */
  message: string;
  /** The verb when it was recognised (bad arguments to a known command). */
  verb?: Pop3Verb;
}

export type ParseResult = { ok: true; command: Pop3Command } | { ok: false; error: ParseError };

/** RFC 2449 §8 extended response codes, with RFC 3206's SYS and AUTH. */
export type ResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'SYS/TEMP' | 'SYS/PERM' | 'AUTH' | 'UTF8';
