// Storage of external directory connections (LDAP/AD) and their sync history.
// Connections live in the store, not the config file, so admins manage them
// in the console; the bind password is kept sealed (AES-256-GCM, sealed by
// directory/ldap/secret-box.ts) or named as an environment variable.
import type { DirectoryConnection, SyncRun } from '../../../shared/src/schemas/directory-sync.ts';
import type { Page } from './port.ts';

/** A connection as stored: the public view without `bindPasswordSet`, plus the sealed secret. */
export interface DirectoryConnectionRecord extends Omit<DirectoryConnection, 'bindPasswordSet'> {
  /** "v1:" + base64 of IV, tag and ciphertext; null when no password is stored. */
  bindPasswordSealed: string | null;
}

export interface DirectoryConnectionStore {
  /** STOA_CONFLICT when the name is taken. */
  create(record: DirectoryConnectionRecord): Promise<void>;
  get(id: string): Promise<DirectoryConnectionRecord | null>;
  getByName(name: string): Promise<DirectoryConnectionRecord | null>;
  /** Every connection, by name (there are few). */
  list(): Promise<DirectoryConnectionRecord[]>;
  update(id: string, patch: Partial<Omit<DirectoryConnectionRecord, 'id' | 'name' | 'createdAt'>>): Promise<DirectoryConnectionRecord>;
  delete(id: string): Promise<void>;
}

export interface SyncRunStore {
  append(run: SyncRun): Promise<void>;
  /** Newest first. */
  list(connectionId: string, offset: number, limit: number): Promise<Page<SyncRun>>;
  /** Keeps the newest `keep` runs of a connection; returns how many went. */
  prune(connectionId: string, keep: number): Promise<number>;
}
