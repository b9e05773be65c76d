// Every ManageSieve command (RFC 5804 §2), one file each; the dispatcher
// looks them up here.
import type { CommandSpec } from '../context.ts';
import type { Verb } from '../wire/parse-command.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { checkscript } from './checkscript.ts';
import { deletescript } from './deletescript.ts';
import { getscript } from './getscript.ts';
import { havespace } from './havespace.ts';
import { listscripts } from './listscripts.ts';
import { logout } from './logout.ts';
import { noop } from './noop.ts';
import { putscript } from './putscript.ts';
import { renamescript } from './renamescript.ts';
import { setactive } from './setactive.ts';
import { starttls } from './starttls.ts';
import { unauthenticate } from './unauthenticate.ts';

export const COMMANDS: ReadonlyMap<Verb, CommandSpec> = new Map(
  ([authenticate, capability, checkscript, deletescript, getscript, havespace, listscripts, logout, noop, putscript, renamescript, setactive, starttls, unauthenticate] as CommandSpec[])
    .map((c) => [c.verb, c]),
);
