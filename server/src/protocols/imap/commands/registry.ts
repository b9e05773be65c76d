// Every IMAP command this server implements, by name (RFC 9051 §6 and the
// extensions in docs/imap.md). The dispatcher looks commands up here only.
import type { CommandName } from '../wire/index.ts';
import type { CommandSpec } from '../context.ts';
import { getAcl, listRights, myRights, setAcl } from './acl.ts';
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { close } from './close.ts';
import { compress } from './compress.ts';
import { copy } from './copy.ts';
import { create } from './create.ts';
import { deleteMailbox } from './delete.ts';
import { enable } from './enable.ts';
import { expunge } from './expunge.ts';
import { fetch } from './fetch.ts';
import { id } from './id.ts';
import { idle } from './idle.ts';
import { list } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { lsub } from './lsub.ts';
import { namespace } from './namespace.ts';
import { check, noop } from './noop.ts';
import { getQuota, getQuotaRoot, setQuota } from './quota.ts';
import { rename } from './rename.ts';
import { search } from './search.ts';
import { select } from './select.ts';
import { sort, thread } from './sort.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { store } from './store.ts';
import { subscribe } from './subscribe.ts';

const SPECS: readonly CommandSpec<never>[] = [
  capability, noop, check, logout, starttls, authenticate, login, enable, id, namespace, compress, idle,
  select, create, deleteMailbox, rename, subscribe, list, lsub, status, append,
  close, expunge, search, fetch, store, copy, sort, thread,
  getQuota, getQuotaRoot, setQuota, setAcl, getAcl, listRights, myRights,
] as unknown as CommandSpec<never>[];

export const COMMANDS: ReadonlyMap<CommandName, CommandSpec> = new Map(
  SPECS.flatMap((spec) => spec.names.map((name) => [name as CommandName, spec as unknown as CommandSpec] as const)),
);
