// The Debian tools some tests talk to (swaks, mbsync, sieve-connect, dnsmasq,
// clamd, spamd …) are installed once, before the tests, by
// scripts/ensure-test-tools.sh: `npm test` runs it as its pretest step, and
// it waits for the dpkg lock of another apt-get. Test files only check that
// a tool is there; they never install anything at import time (issue 16,
// "Tests that depend on the machine"). A missing tool is a failure, not a
// skip: the suite must not pass without its real peers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Is `command` on the PATH? */
export function haveCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Fails the test with how to get the tool when `present` is false. */
export function requireTool(what: string, present: boolean): void {
  if (!present) assert.fail(`${what} is missing: run "sh scripts/ensure-test-tools.sh" as root (npm test does it first, as its pretest step)`);
}

/** The first of these paths that exists, or a failure naming the package. */
export function requireFile(what: string, paths: readonly string[]): string {
  const found = paths.find((p) => existsSync(p));
  requireTool(what, found !== undefined);
  return found!;
}

/** Uid and gid of a system user a Debian package makes (dovecot, postfix, _rspamd); `hint` says which package when it is missing. */
export function systemUser(name: string, hint = ''): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no system user ${name}${hint ? ` (${hint})` : ''}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
