// RFC 5034 AUTH with SASL PLAIN (RFC 4616) and LOGIN, with or without an
// initial response. Each further client line goes to a typed continuation
// (SaslStep); "*" cancels (RFC 5034 §4).
import { err, type Pop3CommandSpec, type Pop3Context, type Pop3Reply, type SaslStep } from '../context.ts';
import { logIn } from '../session/login.ts';
import { decodeInitialResponse, type SaslLine } from '../wire/parse-command.ts';
import { SASL_MECHANISMS, LOGIN_PASSWORD_CHALLENGE, LOGIN_USERNAME_CHALLENGE, decodeLoginField, decodePlain, isSaslMechanism } from '../../wire/sasl.ts';

const cancelled = (): Pop3Reply => err('Authentication cancelled');
const malformed = (): Pop3Reply => err('Malformed SASL response', 'AUTH');

async function plain(ctx: Pop3Context, data: Buffer): Promise<Pop3Reply> {
  const credentials = decodePlain(data);
  if (!credentials.ok) return malformed();
  // RFC 4616 §2: acting as another user is not offered; an authzid must name the same user.
  if (credentials.authzid !== '' && credentials.authzid.toLowerCase() !== credentials.username.toLowerCase()) {
    return err('Authorization identity must be empty or the user itself', 'AUTH');
  }
  return logIn(ctx, credentials.username, credentials.password);
}

const plainStep: SaslStep = async (ctx, line) => {
  if (line.kind === 'cancel') return cancelled();
  if (line.kind === 'bad') return malformed();
  return plain(ctx, line.data);
};

function loginPassword(username: string): SaslStep {
  return async (ctx, line: SaslLine) => {
    if (line.kind === 'cancel') return cancelled();
    const password = line.kind === 'data' ? decodeLoginField(line.data) : null;
    if (password === null) return malformed();
    return logIn(ctx, username, password);
  };
}

function askPassword(data: Buffer): Pop3Reply {
  const username = decodeLoginField(data);
  if (username === null) return malformed();
  return { type: 'challenge', data: LOGIN_PASSWORD_CHALLENGE, next: loginPassword(username) };
}

const loginUsername: SaslStep = async (_ctx, line) => {
  if (line.kind === 'cancel') return cancelled();
  if (line.kind === 'bad') return malformed();
  return askPassword(line.data);
};

export const auth: Pop3CommandSpec<'AUTH', 'authorization'> = {
  verb: 'AUTH',
  states: ['authorization'],
  sendsCredentials: true,
  handler: async (ctx, command) => {
    // RFC 5034 §4 leaves bare AUTH to list the mechanisms, as many clients expect.
    if (command.mechanism === null) return { type: 'lines', text: 'Supported mechanisms follow', lines: [...SASL_MECHANISMS] };
    if (!isSaslMechanism(command.mechanism)) return err('Unsupported SASL mechanism');
    const initial = command.initialResponse === null ? null : decodeInitialResponse(command.initialResponse);
    if (command.mechanism === 'PLAIN') {
      return initial === null ? { type: 'challenge', data: Buffer.alloc(0), next: plainStep } : plain(ctx, initial);
    }
    return initial === null ? { type: 'challenge', data: LOGIN_USERNAME_CHALLENGE, next: loginUsername } : askPassword(initial);
  },
};
