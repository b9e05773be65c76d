// RFC 9051 §6.2.2 AUTHENTICATE with PLAIN (RFC 4616) and LOGIN
// (draft-murchison-sasl-login), initial response per RFC 4959 SASL-IR.
// Each further client line is a typed continuation step.
import { type CommandSpec, type ImapContext, type ImapReply, bad, no } from '../context.ts';
import { logIn } from '../session/login.ts';
import { parseAuthenticateLine } from '../wire/index.ts';

type Decoded = { kind: 'cancel' } | { kind: 'data'; data: Buffer } | { kind: 'invalid' };

/** "authzid NUL authcid NUL passwd"; an authzid other than the user is refused (no proxy login). */
function plain(ctx: ImapContext, tag: string, data: Buffer): Promise<ImapReply> | ImapReply {
  const fields = data.toString('utf8').split('\0');
  if (fields.length !== 3 || fields[1] === '') return bad(tag, 'Malformed PLAIN response');
  const [authz, user, password] = fields;
  if (authz !== '' && authz.toLowerCase() !== user.toLowerCase()) return no(tag, 'Proxy authorization is not allowed', { code: 'AUTHORIZATIONFAILED' });
  return logIn(ctx, tag, user, password);
}

function challenge(text: string, next: (ctx: ImapContext, decoded: Decoded) => Promise<ImapReply> | ImapReply): ImapReply {
  return {
    type: 'continue', responses: [],
    prompt: { kind: 'continuation', base64: Buffer.from(text) },
    next: async (ctx, line) => next(ctx, parseAuthenticateLine(line)),
  };
}

/** RFC 9051 §6.2.2: "*" cancels with BAD; undecodable data is BAD too. */
function refusal(tag: string, decoded: Decoded): ImapReply | null {
  if (decoded.kind === 'cancel') return bad(tag, 'AUTHENTICATE cancelled');
  if (decoded.kind === 'invalid') return bad(tag, 'Invalid base64 in AUTHENTICATE response');
  return null;
}

export const authenticate: CommandSpec<'AUTHENTICATE', 'not-authenticated'> = {
  names: ['AUTHENTICATE'],
  states: ['not-authenticated'],
  sendsCredentials: true,
  async handler(ctx, command) {
    const { tag } = command;
    const mechanism = command.mechanism.toUpperCase();
    if (mechanism === 'PLAIN') {
      if (command.initialResponse !== null) return plain(ctx, tag, command.initialResponse);
      return challenge('', (c, d) => refusal(tag, d) ?? plain(c, tag, (d as { data: Buffer }).data));
    }
    if (mechanism === 'LOGIN') {
      const askPassword = (user: string): ImapReply => challenge('Password:', (c, d) => refusal(tag, d) ?? logIn(c, tag, user, (d as { data: Buffer }).data.toString('utf8')));
      if (command.initialResponse !== null) return askPassword(command.initialResponse.toString('utf8'));
      return challenge('Username:', (_c, d) => refusal(tag, d) ?? askPassword((d as { data: Buffer }).data.toString('utf8')));
    }
    return no(tag, `Unsupported mechanism ${command.mechanism}`, { code: 'CANNOT' });
  },
};
