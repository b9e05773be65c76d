// Cleans up after a test or benchmark that dies without running its own
// cleanup (a SIGKILL, a crash of the runtime): a detached shell holds the read
// end of a pipe from this process; when the pipe closes without "stopped"
// having been written to it, this process is gone and the shell runs
// `cleanup` (positional parameters $1… from `args`).
//
// detachedGroup() adds the rest of what a private server started in its own
// process group needs (rspamd.ts, ../bench/smtp/dovecot-lmtp.ts): the group
// killed and its folder removed when this process exits, and a stop that
// asks politely first.
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

export interface Watchdog {
  /** The normal stop has run: the shell exits without cleaning up. */
  release(): void;
}

export function watchdog(cleanup: string, args: string[]): Watchdog {
  const shell = spawn('sh', ['-c', `read -r line; [ "$line" = stopped ] && exit 0; ${cleanup}`, 'sh', ...args], {
    stdio: ['pipe', 'ignore', 'ignore'], detached: true,
  });
  shell.unref();
  (shell.stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      shell.stdin!.end('stopped\n');
    },
  };
}

export interface DetachedGroup {
  /** SIGTERM to the group, up to 10 s for the leader to exit, then SIGKILL to what is left; removes `dir`. Runs once. */
  stop(): Promise<void>;
}

/**
 * Guards `child`, spawned with `detached: true` (its own process group, its
 * workers in it), and its folder `dir`: killed and removed when this process
 * exits, by the watchdog shell when it dies without exiting normally.
 */
export function detachedGroup(child: ChildProcess, dir: string): DetachedGroup {
  const group = child.pid!;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const guard = watchdog('kill -TERM "-$1" 2>/dev/null; sleep 5; kill -KILL "-$1" 2>/dev/null; rm -rf "$2"', [String(group), dir]);
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-group, signal);
    } catch { /* already gone */ }
  };
  const onExit = (): void => {
    killGroup('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) killGroup('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => { timer = setTimeout(r, 10_000); })]);
      clearTimeout(timer);
      killGroup('SIGKILL'); // Children the leader left behind, if any.
      guard.release();
      process.removeListener('exit', onExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
