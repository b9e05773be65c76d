// RFC 9051 §6.2.3 LOGIN; refused before TLS by the dispatcher unless the
// listener allows plaintext authentication (LOGINDISABLED).
import type { CommandSpec } from '../context.ts';
import { logIn } from '../session/login.ts';

export const login: CommandSpec<'LOGIN', 'not-authenticated'> = {
  names: ['LOGIN'],
  states: ['not-authenticated'],
  sendsCredentials: true,
  handler: (ctx, command) => logIn(ctx, command.tag, command.username, command.password),
};
