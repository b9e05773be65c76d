// What an adapter's test entry hands the contract suite, and the fixtures
// every contract file builds its objects from.
import { randomUUID } from 'node:crypto';
import type { AuditEntry, Domain, Group, Resource, Alias } from '../../../../shared/src/schemas/directory.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { AccountRecord, Store } from '../port.ts';

export type CrashMode = 'before-commit' | 'mid-blob-write';

export interface StoreHarness {
  store: Store;
  cleanup(): Promise<void>;
  /** Opens another, independent Store (own connections) on the same database. */
  openSibling?(): Promise<Store>;
  /** Configuration a child process passes to openStore() to reach the same database. */
  childConfig?: StoaConfig;
  /**
   * Crash hooks (adapter-specific): legs without them skip the crash tests.
   * Runs a child that is SIGKILLed at the given point; resolves with the id of
   * the blob it wrote (null when killed before the blob was complete).
   */
  spawnCrashingWriter?(mode: CrashMode, marker: string): Promise<{ blobId: string | null; marker: string }>;
  /** Lists inconsistencies between blob metadata and stored content (empty = sound). */
  blobProblems?(): Promise<string[]>;
}

export type StoreFactory = () => Promise<StoreHarness>;

export const T0 = '2026-01-01T00:00:00.000Z';

export function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

export function newId(): string {
  return randomUUID();
}

export function domainFixture(name: string, extra: Partial<Domain> = {}): Domain {
  return {
    id: newId(), name, unicodeName: name, aliasOf: null, enabled: true, description: '',
    defaultQuotaBytes: 0, defaultQuotaMessages: 0, createdAt: T0, updatedAt: T0, ...extra,
  };
}

export function accountFixture(domain: Domain | null, local: string, extra: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: newId(), domainId: domain?.id ?? null, address: domain ? `${local}@${domain.name}` : local,
    displayName: local, enabled: true, role: 'user', adminDomainIds: [], quotaBytes: 0, quotaMessages: 0,
    forwardTo: [], keepForwardedCopy: false, passwordHash: null, passwordSetAt: null, source: null,
    createdAt: T0, updatedAt: T0, ...extra,
  };
}

export function groupFixture(domain: Domain, local: string, extra: Partial<Group> = {}): Group {
  return {
    id: newId(), domainId: domain.id, address: `${local}@${domain.name}`, name: local, kind: 'distribution',
    description: '', members: [], source: null, createdAt: T0, updatedAt: T0, ...extra,
  };
}

export function aliasFixture(domain: Domain, local: string, extra: Partial<Alias> = {}): Alias {
  return {
    id: newId(), domainId: domain.id, address: `${local}@${domain.name}`, targets: ['someone@example.net'],
    description: '', source: null, createdAt: T0, updatedAt: T0, ...extra,
  };
}

export function resourceFixture(domain: Domain, local: string, extra: Partial<Resource> = {}): Resource {
  return {
    id: newId(), domainId: domain.id, address: `${local}@${domain.name}`, name: local, kind: 'room',
    capacity: 8, location: '', bookingPolicy: 'auto-accept', managerIds: [], enabled: true,
    createdAt: T0, updatedAt: T0, ...extra,
  };
}

export function auditFixture(extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: newId(), at: T0, actorId: null, actor: 'admin', ip: '192.0.2.1', action: 'create',
    objectType: 'account', objectId: newId(), domainId: null, before: null, after: { a: 1 }, ...extra,
  };
}

/** Registers before/after hooks giving each describe block its own fresh store. */
export function useHarness(factory: StoreFactory, hooks: { before: (fn: () => Promise<void>) => void; after: (fn: () => Promise<void>) => void }): () => StoreHarness {
  let harness: StoreHarness | undefined;
  hooks.before(async () => { harness = await factory(); });
  hooks.after(async () => { await harness?.cleanup(); });
  return () => {
    if (!harness) throw new Error('store harness not ready');
    return harness;
  };
}
