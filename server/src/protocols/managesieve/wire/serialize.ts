// ManageSieve responses as bytes (RFC 5804 §1.2-1.4): OK/NO/BYE with an
// optional response code and a human-readable string, capability lines,
// script listings, scripts as literals, SASL challenges. Strings are quoted
// when they can be (no CR, LF, NUL, at most 1024 octets), literals otherwise.

/** RFC 5804 §1.3 response codes this server sends. */
export type ResponseCode =
  | 'AUTH-TOO-WEAK' | 'ENCRYPT-NEEDED' | 'QUOTA' | 'QUOTA/MAXSCRIPTS' | 'QUOTA/MAXSIZE' | 'SASL' | 'TRYLATER'
  | 'ACTIVE' | 'NONEXISTENT' | 'ALREADYEXISTS' | 'WARNINGS' | { tag: string };

export function sieveString(value: string | Buffer): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const s = bytes.toString('utf8');
  if (bytes.length <= 1024 && !/[\r\n\0]/.test(s)) return `"${s.replace(/[\\"]/g, '\\$&')}"`;
  return `{${bytes.length}}\r\n${s}`;
}

function code(c: ResponseCode): string {
  return typeof c === 'string' ? c : `TAG ${sieveString(c.tag)}`;
}

export function response(kind: 'OK' | 'NO' | 'BYE', text?: string, responseCode?: ResponseCode): Buffer {
  let line: string = kind;
  if (responseCode !== undefined) line += ` (${code(responseCode)})`;
  if (text !== undefined && text !== '') line += ` ${sieveString(text)}`;
  return Buffer.from(`${line}\r\n`, 'utf8');
}

/** RFC 5804 §1.7: one line per capability, `"NAME"` or `"NAME" "value"`. */
export function capabilityLines(caps: readonly (readonly [string, string | null])[]): Buffer {
  return Buffer.from(caps.map(([name, value]) => (value === null ? `${sieveString(name)}\r\n` : `${sieveString(name)} ${sieveString(value)}\r\n`)).join(''), 'utf8');
}

/** RFC 5804 §2.7: each script name, the active one followed by ACTIVE. */
export function scriptList(items: readonly { name: string; active: boolean }[]): Buffer {
  return Buffer.from(items.map((s) => `${sieveString(s.name)}${s.active ? ' ACTIVE' : ''}\r\n`).join(''), 'utf8');
}

/** RFC 5804 §2.9: the script as a literal, then CRLF. */
export function scriptBody(content: string): Buffer {
  const bytes = Buffer.from(content, 'utf8');
  return Buffer.concat([Buffer.from(`{${bytes.length}}\r\n`), bytes, Buffer.from('\r\n')]);
}

/** RFC 5804 §2.1: a server challenge is a base64 string on its own line. */
export function saslChallenge(data: Buffer): Buffer {
  return Buffer.from(`"${data.toString('base64')}"\r\n`);
}
