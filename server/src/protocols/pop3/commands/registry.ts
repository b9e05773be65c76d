// Every POP3 verb and its spec. The dispatcher (session/dispatcher.ts) looks
// commands up here; nothing builds handler names from strings.
import type { Pop3CommandSpec } from '../context.ts';
import type { Pop3Verb } from '../wire/command-types.ts';
import { auth } from './auth.ts';
import { capa } from './capa.ts';
import { dele } from './dele.ts';
import { list } from './list.ts';
import { noop } from './noop.ts';
import { pass } from './pass.ts';
import { quit } from './quit.ts';
import { retr } from './retr.ts';
import { rset } from './rset.ts';
import { stat } from './stat.ts';
import { stls } from './stls.ts';
import { top } from './top.ts';
import { uidl } from './uidl.ts';
import { user } from './user.ts';
import { utf8 } from './utf8.ts';

const specs = [auth, capa, dele, list, noop, pass, quit, retr, rset, stat, stls, top, uidl, user, utf8] as Pop3CommandSpec[];

export const COMMANDS: ReadonlyMap<Pop3Verb, Pop3CommandSpec> = new Map(specs.map((s) => [s.verb, s]));
