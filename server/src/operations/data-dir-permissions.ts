// The data directory holds password hashes, DKIM private keys, the TLS key
// and every message: nobody but the server's own user may read it. Stoa
// creates everything in it 0600 (directories 0700; `stoa` sets umask 077 at
// start-up, and the store, blob store, spool and TLS code pass the modes
// explicitly for embedders), and this module finds what is still open to the
// group or to others: files made by an older release, copied in by hand, or
// restored with the wrong umask. `stoa serve` warns at start-up and
// `stoa doctor` reports it, each with the command that fixes it.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What `stoa` sets at start-up: new files 0600, new directories 0700. */
export const PRIVATE_UMASK = 0o077;
/** Modes of what Stoa creates under the data directory. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Any permission bit for the group or others. */
const SHARED_BITS = 0o077;

export interface ExposedPath {
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  directory: boolean;
}

export interface PermissionScan {
  /** Paths whose group or other bits are set, the data directory itself first. */
  exposed: ExposedPath[];
  /** Entries looked at. */
  checked: number;
  /** The scan stopped at its limit before it saw everything. */
  truncated: boolean;
}

export const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/**
 * Walks the data directory (without following symbolic links) and lists what
 * the group or others can read, write or enter, stopping after `limit`
 * entries: a store with millions of message bodies is not walked whole at
 * every start. A missing directory is no finding (other checks report it).
 */
export async function scanPermissions(dataDir: string, limit: number): Promise<PermissionScan> {
  const scan: PermissionScan = { exposed: [], checked: 0, truncated: false };
  const note = (path: string, mode: number, directory: boolean): void => {
    scan.checked++;
    if (mode & SHARED_BITS) scan.exposed.push({ path, mode: mode & 0o7777, directory });
  };
  let root;
  try {
    root = await lstat(dataDir);
  } catch {
    return scan;
  }
  note(dataDir, root.mode, root.isDirectory());
  if (!root.isDirectory()) return scan;
  // Breadth first: the database, the TLS key and the directories come before the blob fan-out.
  const queue = [dataDir];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (scan.checked >= limit) {
        scan.truncated = true;
        return scan;
      }
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      let info;
      try {
        info = await lstat(path);
      } catch {
        continue; // removed meanwhile (a spool file, a blob being collected)
      }
      note(path, info.mode, info.isDirectory());
      if (info.isDirectory()) queue.push(path);
    }
  }
  return scan;
}

/** One sentence for a log line, a banner or a doctor finding; null when nothing is exposed. */
export function describeExposure(dataDir: string, scan: PermissionScan): { message: string; fix: string } | null {
  if (scan.exposed.length === 0) return null;
  const shown = scan.exposed.slice(0, 3).map((e) => `${e.path} (${octal(e.mode)})`).join(', ');
  const more = scan.exposed.length > 3 ? ` and ${scan.exposed.length - 3} more` : '';
  return {
    message: `${scan.exposed.length}${scan.truncated ? '+' : ''} path${scan.exposed.length === 1 ? ' is' : 's are'} readable or writable by other local users: ${shown}${more}`,
    fix: `chmod -R go-rwx ${dataDir}   (password hashes, DKIM and TLS keys and every message live here)`,
  };
}
