// A directory over a real SQLite store in a temporary folder, with fast
// argon2 parameters and a clock the test controls.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Account, Domain } from '../../shared/src/schemas/directory.ts';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import { systemActor } from '../../server/src/directory/access.ts';
import type { Actor, Directory } from '../../server/src/directory/api.ts';
import { createDirectory } from '../../server/src/directory/directory.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';

export const FAST_ARGON2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
export const PASSWORD = 'tulip-harbour-92';

export interface Harness {
  store: Store;
  config: StoaConfig;
  directory: Directory;
  system: Actor;
  now(): number;
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function openHarness(tune: (config: StoaConfig) => void = () => {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'stoa-directory-'));
  const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
  const config = defaultConfig();
  config.dataDir = dir;
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { ...FAST_ARGON2 };
  tune(config);
  let clock = Date.parse('2026-03-01T09:00:00Z');
  const directory = createDirectory(store, config, { now: () => clock });
  return {
    store,
    config,
    directory,
    system: systemActor(),
    now: () => clock,
    advance(ms) { clock += ms; },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface World {
  a: Domain;
  b: Domain;
  admin: Account;
  adminActor: Actor;
  /** Domain admin of a.example only. */
  aAdmin: Account;
  aAdminActor: Actor;
  alice: Account;
  aliceActor: Actor;
  bob: Account;
  carol: Account;
}

/** Two domains, an operator, a domain admin of a.example, users alice and bob in a.example and carol in b.example. */
export async function seedWorld(h: Harness): Promise<World> {
  const { directory: d, system } = h;
  const admin = await d.operators.create(system, { login: 'admin', password: PASSWORD });
  const adminActor = d.actorFor(admin, '192.0.2.1');
  const a = await d.domains.create(adminActor, { name: 'a.example', defaultQuotaBytes: 1_000_000 });
  const b = await d.domains.create(adminActor, { name: 'b.example' });
  const alice = await d.accounts.create(adminActor, { address: 'alice@a.example', password: PASSWORD, displayName: 'Alice' });
  const bob = await d.accounts.create(adminActor, { address: 'bob@a.example', password: PASSWORD });
  const carol = await d.accounts.create(adminActor, { address: 'carol@b.example', password: PASSWORD });
  await d.accounts.create(adminActor, { address: 'dora@a.example', password: PASSWORD });
  const aAdmin = await d.accounts.grantRole(adminActor, 'dora@a.example', { role: 'domain-admin', domains: ['a.example'] });
  return {
    a, b, admin, adminActor, aAdmin, aAdminActor: d.actorFor(aAdmin, '192.0.2.2'),
    alice, aliceActor: d.actorFor(alice, '192.0.2.3'), bob, carol,
  };
}

/** The STOA code a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'resolved';
}
