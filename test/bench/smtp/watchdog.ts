// Cleans up after a benchmark that dies without running its own cleanup (a
// SIGKILL, a crash of the runtime): a detached shell holds the read end of a
// pipe from this process; when the pipe closes without "stopped" having been
// written to it, this process is gone and the shell runs `cleanup` (positional
// parameters $1… from `args`). The same idea as test/support/rspamd.ts.
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
