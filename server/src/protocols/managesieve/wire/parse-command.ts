// Tokens of one line (line-reader.ts) → a typed ManageSieve command (RFC 5804
// §2), or an error saying what is wrong. Script names and scripts must be
// UTF-8 (§1.6, §2.6); names without control characters.

import type { WireToken } from './line-reader.ts';

export type ManageSieveCommand =
  | { verb: 'AUTHENTICATE'; mechanism: string; initial: Buffer | null }
  | { verb: 'STARTTLS' }
  | { verb: 'LOGOUT' }
  | { verb: 'CAPABILITY' }
  | { verb: 'UNAUTHENTICATE' }
  | { verb: 'NOOP'; tag: string | null }
  | { verb: 'HAVESPACE'; name: string; size: number }
  | { verb: 'PUTSCRIPT'; name: string; content: string }
  | { verb: 'CHECKSCRIPT'; content: string }
  | { verb: 'LISTSCRIPTS' }
  | { verb: 'SETACTIVE'; name: string }
  | { verb: 'GETSCRIPT'; name: string }
  | { verb: 'DELETESCRIPT'; name: string }
  | { verb: 'RENAMESCRIPT'; from: string; to: string };

export type Verb = ManageSieveCommand['verb'];

export type ParsedCommand = { ok: true; command: ManageSieveCommand } | { ok: false; message: string; verb: string | null };

/** The argument types each command takes, in order (RFC 5804 §2). */
const SHAPES: Record<Verb, readonly ('string' | 'number' | 'string?' | 'atom')[]> = {
  AUTHENTICATE: ['string', 'string?'],
  STARTTLS: [],
  LOGOUT: [],
  CAPABILITY: [],
  UNAUTHENTICATE: [],
  NOOP: ['string?'],
  HAVESPACE: ['string', 'number'],
  PUTSCRIPT: ['string', 'string'],
  CHECKSCRIPT: ['string'],
  LISTSCRIPTS: [],
  SETACTIVE: ['string'],
  GETSCRIPT: ['string'],
  DELETESCRIPT: ['string'],
  RENAMESCRIPT: ['string', 'string'],
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(value: Buffer): string | null {
  try {
    return utf8.decode(value);
  } catch {
    return null;
  }
}

/** RFC 5804 §1.6: no control characters, no U+2028/U+2029, not empty; "/" is ours (names are path segments in the API). */
export function validScriptName(name: string): boolean {
  return name.length > 0 && name.length <= 128 && !/[\x00-\x1f\x7f\u0080-\u009f\u2028\u2029/]/.test(name);
}

export function parseCommand(tokens: readonly WireToken[]): ParsedCommand {
  const first = tokens[0];
  if (first === undefined) return { ok: false, message: 'Empty command', verb: null };
  if (first.kind !== 'atom') return { ok: false, message: 'A command starts with its name', verb: null };
  const verb = first.text.toUpperCase();
  if (!Object.hasOwn(SHAPES, verb)) return { ok: false, message: `Unknown command ${JSON.stringify(first.text.slice(0, 40))}`, verb: null };
  const shape = SHAPES[verb as Verb];
  const args = tokens.slice(1);
  const required = shape.filter((s) => !s.endsWith('?')).length;
  if (args.length < required || args.length > shape.length) return { ok: false, message: `${verb} takes ${shape.length === required ? required : `${required} to ${shape.length}`} argument(s)`, verb };
  const strings: string[] = [];
  const buffers: Buffer[] = [];
  let number = 0;
  for (const [i, a] of args.entries()) {
    const want = shape[i].replace('?', '');
    if (want === 'number') {
      if (a.kind !== 'number') return { ok: false, message: `${verb}: argument ${i + 1} must be a number`, verb };
      number = a.value;
      continue;
    }
    if (a.kind !== 'string') return { ok: false, message: `${verb}: argument ${i + 1} must be a string`, verb };
    buffers.push(a.value);
    const t = text(a.value);
    if (t === null) return { ok: false, message: `${verb}: argument ${i + 1} is not UTF-8`, verb };
    strings.push(t);
  }
  const name = (s: string): ParsedCommand | null => (validScriptName(s) ? null : { ok: false, message: `Invalid script name ${JSON.stringify(s.slice(0, 64))}`, verb });
  switch (verb as Verb) {
    case 'AUTHENTICATE': return { ok: true, command: { verb: 'AUTHENTICATE', mechanism: strings[0].toUpperCase(), initial: buffers[1] ?? null } };
    case 'STARTTLS': return { ok: true, command: { verb: 'STARTTLS' } };
    case 'LOGOUT': return { ok: true, command: { verb: 'LOGOUT' } };
    case 'CAPABILITY': return { ok: true, command: { verb: 'CAPABILITY' } };
    case 'UNAUTHENTICATE': return { ok: true, command: { verb: 'UNAUTHENTICATE' } };
    case 'LISTSCRIPTS': return { ok: true, command: { verb: 'LISTSCRIPTS' } };
    case 'NOOP': return { ok: true, command: { verb: 'NOOP', tag: strings[0] ?? null } };
    case 'CHECKSCRIPT': return { ok: true, command: { verb: 'CHECKSCRIPT', content: strings[0] } };
    case 'HAVESPACE': return name(strings[0]) ?? { ok: true, command: { verb: 'HAVESPACE', name: strings[0], size: number } };
    case 'PUTSCRIPT': return name(strings[0]) ?? { ok: true, command: { verb: 'PUTSCRIPT', name: strings[0], content: strings[1] } };
    // RFC 5804 §2.8: SETACTIVE "" deactivates.
    case 'SETACTIVE': return strings[0] === '' ? { ok: true, command: { verb: 'SETACTIVE', name: '' } } : name(strings[0]) ?? { ok: true, command: { verb: 'SETACTIVE', name: strings[0] } };
    case 'GETSCRIPT': return name(strings[0]) ?? { ok: true, command: { verb: 'GETSCRIPT', name: strings[0] } };
    case 'DELETESCRIPT': return name(strings[0]) ?? { ok: true, command: { verb: 'DELETESCRIPT', name: strings[0] } };
    case 'RENAMESCRIPT': return name(strings[0]) ?? name(strings[1]) ?? { ok: true, command: { verb: 'RENAMESCRIPT', from: strings[0], to: strings[1] } };
  }
}

/** RFC 5804 §2.1: a SASL response line is one string; "*" cancels the exchange. */
export type SaslLine = { kind: 'data'; data: Buffer } | { kind: 'cancel' } | { kind: 'bad' };

export function parseSaslLine(tokens: readonly WireToken[]): SaslLine {
  if (tokens.length !== 1 || tokens[0].kind !== 'string') return { kind: 'bad' };
  const raw = tokens[0].value.toString('latin1');
  if (raw === '*') return { kind: 'cancel' };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0) return { kind: 'bad' };
  return { kind: 'data', data: Buffer.from(raw, 'base64') };
}
