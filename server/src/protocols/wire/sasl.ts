// The SASL mechanisms POP3 offers (RFC 5034), decoded without I/O. PLAIN
// (RFC 4616) carries authzid NUL authcid NUL passwd in one response; LOGIN
// (draft-murchison-sasl-login, what Outlook and older clients speak) asks
// for the user name, then the password, with the challenges "Username:" and
// "Password:".

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export const isSaslMechanism = (name: string): name is SaslMechanism => (SASL_MECHANISMS as readonly string[]).includes(name);

export type PlainCredentials =
  | { ok: true; authzid: string; username: string; password: string }
  | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd; each part UTF-8, at most 255 octets. */
export function decodePlain(data: Buffer): PlainCredentials {
  const first = data.indexOf(0);
  const second = first === -1 ? -1 : data.indexOf(0, first + 1);
  if (first === -1 || second === -1 || data.indexOf(0, second + 1) !== -1) return { ok: false, reason: 'PLAIN response needs exactly two NUL separators' };
  const parts = [data.subarray(0, first), data.subarray(first + 1, second), data.subarray(second + 1)];
  if (parts.some((p) => p.length > 255)) return { ok: false, reason: 'PLAIN fields are limited to 255 octets' };
  try {
    const [authzid, username, password] = parts.map((p) => utf8.decode(p));
    if (username === '' || password === '') return { ok: false, reason: 'PLAIN needs a user name and a password' };
    return { ok: true, authzid, username, password };
  } catch {
    return { ok: false, reason: 'PLAIN response is not UTF-8' };
  }
}

/** A LOGIN response: one UTF-8 string without NUL. */
export function decodeLoginField(data: Buffer): string | null {
  if (data.length === 0 || data.length > 1024 || data.includes(0)) return null;
  try {
    return utf8.decode(data);
  } catch {
    return null;
  }
}

export const LOGIN_USERNAME_CHALLENGE = Buffer.from('Username:');
export const LOGIN_PASSWORD_CHALLENGE = Buffer.from('Password:');
