// Start-up checks of the directories the store writes to, so a bad path fails
// with STOA_DATA_DIR naming the path instead of an obscure driver error later.
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StoaError } from '../errors/catalogue.ts';

function reason(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err instanceof Error ? err.message : String(err));
}

/** Creates `path` when its parent exists and is writable; then proves `path` is writable with a probe file. */
export function ensureWritableDir(path: string, what = 'data directory'): void {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info && !info.isDirectory()) throw new StoaError('STOA_DATA_DIR', `${what} ${path} exists but is not a directory`);
  if (!info) {
    const parent = dirname(path);
    if (!statSync(parent, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StoaError('STOA_DATA_DIR', `${what} ${path} does not exist, and neither does its parent ${parent}`);
    }
    try {
      // Only the server's user: the store holds password hashes, keys and mail (docs/security.md).
      mkdirSync(path, { mode: 0o700 });
    } catch (err) {
      throw new StoaError('STOA_DATA_DIR', `${what} ${path} does not exist and cannot be created in ${parent} (${reason(err)})`, { cause: err });
    }
  }
  // access(W_OK) is not enough: it says yes to root on a read-only mount.
  const probe = join(path, `.stoa-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw new StoaError('STOA_DATA_DIR', `${what} ${path} is not writable (${reason(err)})`, { cause: err });
  }
}

/** fsync of a directory, so names created or renamed in it survive a crash. */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
