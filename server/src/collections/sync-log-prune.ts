// Housekeeping of the DAV sync log: deletions older than
// dav.tombstoneRetentionDays leave it, and each collection's horizon rises
// with them, so a client holding an older sync token syncs from scratch
// (RFC 6578 §3.8 DAV:valid-sync-token) instead of missing a deletion.
import type { DavSettings } from '../config/types.ts';
import type { HousekeepingTask } from '../operations/housekeeping.ts';
import type { DavStore } from '../store/dav-port.ts';

const DAY_MS = 86_400_000;

export function davTombstonePruneTask(
  deps: { config: Pick<DavSettings, 'tombstoneRetentionDays'>; dav: Pick<DavStore, 'pruneTombstones'> },
  now: () => number = Date.now,
): HousekeepingTask {
  return {
    name: 'davTombstones',
    run: () => deps.dav.pruneTombstones(new Date(now() - deps.config.tombstoneRetentionDays * DAY_MS).toISOString()),
  };
}
