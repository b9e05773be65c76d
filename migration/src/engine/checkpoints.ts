// Checkpoints and the item ledger: what makes a run resumable at any point
// and a re-run free of duplicates (docs/migration.md "Resume and re-runs").
//
// Per folder the engine records every item it has dealt with, keyed by the
// source's own identity for it (IMAP UID under a UIDVALIDITY, EWS ItemId,
// PST node id, mbox offset). Before a batch is stored its items are recorded
// as "pending" with their Message-ID and content hash; after the commit as
// "imported". A run killed between the two finds "pending" entries and
// checks the target for them, and anything the ledger missed is still caught
// by the target's own content (same Message-ID and SHA-256, or same UID).
//
// The server keeps the ledger in its store through the migration job
// service (server/src/migration-jobs); tests and dry runs use memory.

export type LedgerStatus = 'pending' | 'imported' | 'skipped' | 'failed';

export interface LedgerEntry {
  /** ItemRef.key. */
  key: string;
  status: LedgerStatus;
  /** SHA-256 of the content as fetched; null when it never was. */
  sha256: string | null;
  /** Message-ID, or the iCalendar/vCard UID for groupware. */
  messageId: string | null;
  /** Why it was skipped or failed, as the report said it. */
  reason: string | null;
}

export interface FolderCheckpoint {
  /** SourceFolder.validity when these entries were written. */
  validity: string;
  /** True once every item of the folder was dealt with in one pass. */
  complete: boolean;
  updatedAt: string;
}

export interface CheckpointStore {
  getFolder(scope: string, folderKey: string): Promise<FolderCheckpoint | null>;
  putFolder(scope: string, folderKey: string, checkpoint: FolderCheckpoint): Promise<void>;
  /** Ledger entries of these item keys (missing keys are absent from the map). */
  lookup(scope: string, folderKey: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>>;
  /** Writes entries, replacing earlier ones with the same key. */
  record(scope: string, folderKey: string, entries: readonly LedgerEntry[]): Promise<void>;
  /** Drops the folder's checkpoint and entries (its UIDVALIDITY changed). */
  forgetFolder(scope: string, folderKey: string): Promise<void>;
}

/** Checkpoints in memory: tests, and runs that must leave no trace (dry run). */
export function memoryCheckpoints(): CheckpointStore & { entries(scope: string, folderKey: string): LedgerEntry[] } {
  const folders = new Map<string, FolderCheckpoint>();
  const ledgers = new Map<string, Map<string, LedgerEntry>>();
  const id = (scope: string, folderKey: string) => `${scope}\u0000${folderKey}`;
  const ledger = (scope: string, folderKey: string) => {
    let l = ledgers.get(id(scope, folderKey));
    if (!l) ledgers.set(id(scope, folderKey), l = new Map());
    return l;
  };
  return {
    getFolder: async (scope, folderKey) => folders.get(id(scope, folderKey)) ?? null,
    putFolder: async (scope, folderKey, cp) => { folders.set(id(scope, folderKey), { ...cp }); },
    async lookup(scope, folderKey, keys) {
      const l = ledger(scope, folderKey);
      const out = new Map<string, LedgerEntry>();
      for (const k of keys) {
        const e = l.get(k);
        if (e) out.set(k, { ...e });
      }
      return out;
    },
    async record(scope, folderKey, entries) {
      const l = ledger(scope, folderKey);
      for (const e of entries) l.set(e.key, { ...e });
    },
    async forgetFolder(scope, folderKey) {
      folders.delete(id(scope, folderKey));
      ledgers.delete(id(scope, folderKey));
    },
    entries: (scope, folderKey) => [...ledger(scope, folderKey).values()],
  };
}
