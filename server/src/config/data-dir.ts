// The data directory must exist and be writable before anything opens the
// store. Only the default ./data is created on demand: a configured path that
// is missing usually means an unmounted volume, and starting an empty server
// there would look like data loss.
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoaError } from '../errors/catalogue.ts';

export function ensureDataDir(dataDir: string, createIfMissing: boolean): void {
  let stat;
  try {
    stat = statSync(dataDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StoaError('STOA_DATA_DIR', `${dataDir}: ${(err as Error).message}`, { cause: err });
    }
    if (!createIfMissing) {
      throw new StoaError('STOA_DATA_DIR', `${dataDir} does not exist; create it (mkdir -p ${dataDir}) or point dataDir / STOA_DATA_DIR at the right place`);
    }
    try {
      // Only the server's user may enter it: it holds password hashes, keys and mail (docs/security.md).
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (mkErr) {
      throw new StoaError('STOA_DATA_DIR', `${dataDir} does not exist and cannot be created: ${(mkErr as Error).message}`, { cause: mkErr });
    }
    return;
  }
  if (!stat.isDirectory()) throw new StoaError('STOA_DATA_DIR', `${dataDir} is not a directory`);
  // A probe file rather than access(W_OK), which says yes to root on a read-only mount.
  const probe = join(dataDir, `.stoa-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : `this user (uid ${process.getuid?.() ?? '?'}) cannot write to it`;
    throw new StoaError('STOA_DATA_DIR', `${dataDir} is not writable: ${why}; fix its mount, owner or permissions`, { cause: err });
  }
}
