// A real Stoa target for import tests: SQLite store in a temp folder, every
// service built by the composition root (createServices, as main.ts does),
// the services sink over its import service (mail through the intake, origin
// 'import'; calendars and contacts through the DAV services).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../server/src/config/schema.ts';
import type { StoaConfig } from '../../server/src/config/types.ts';
import type { Actor, Directory } from '../../server/src/directory/api.ts';
import type { ChangeEvent } from '../../server/src/events/change-bus.ts';
import { createLogger } from '../../server/src/log/logger.ts';
import type { MailServices } from '../../server/src/mail/mail-services.ts';
import { createServices, type Services } from '../../server/src/services.ts';
import { openSqliteStore } from '../../server/src/store/open-store.ts';
import type { Store } from '../../server/src/store/port.ts';
import { memoryCheckpoints, type CheckpointStore } from '../../migration/src/engine/checkpoints.ts';
import { DEFAULT_OPTIONS, runMigration, type RunOptions, type UserMapping } from '../../migration/src/engine/run.ts';
import type { MigrationReport } from '../../migration/src/engine/report.ts';
import { createDirectoryTarget } from '../../migration/src/sink/directory-target.ts';
import type { ImportSink } from '../../migration/src/sink/import-sink.ts';
import { davImportTargets } from '../../migration/src/sink/groupware-targets.ts';
import { createServicesSink } from '../../migration/src/sink/services-sink.ts';
import type { MigrationSource } from '../../migration/src/sources/source.ts';

export const SYSTEM: Actor = { id: null, login: 'system', role: 'server-admin', adminDomainIds: [], ip: null };

export interface Target {
  dir: string;
  config: StoaConfig;
  store: Store;
  /** Every service, built by the composition root as main.ts builds them. */
  services: Services;
  directory: Directory;
  mail: MailServices;
  events: ChangeEvent[];
  /** What the DAV services hold: calendars and address books as imports filled them. */
  groupware: StoredGroupware;
  sink: ImportSink;
  checkpoints: CheckpointStore;
  /** Makes the domain of `address` and the account. */
  account(address: string): Promise<{ id: string; address: string }>;
  run(source: MigrationSource, users: UserMapping[], options?: Partial<RunOptions>): Promise<MigrationReport>;
  /** Every message of every mailbox of the account: folder → sorted "sha256 flags" lines. */
  snapshot(address: string): Promise<Record<string, string[]>>;
  /** The stored bytes of every message of one folder of the account, in UID order. */
  messages(address: string, folder: string): Promise<Buffer[]>;
  close(): Promise<void>;
}

export interface StoredGroupware {
  /** The account's calendar or address book at `uri`, with its objects by UID; undefined when there is none. */
  collection(address: string, uri: string): Promise<{ components: string[]; objects: Map<string, string> } | undefined>;
  /** Objects written into calendars and address books so far (DAV change events). */
  readonly puts: number;
}

export function testConfig(dir: string): StoaConfig {
  const config = defaultConfig();
  config.dataDir = dir;
  config.store.sqlite.path = join(dir, 'stoa.db');
  config.store.blobs.path = join(dir, 'blobs');
  config.auth.argon2 = { memoryKiB: 1024, passes: 1, parallelism: 1 };
  return config;
}

export async function openTarget(options: { groupware?: boolean } = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'stoa-migrate-target-'));
  const config = testConfig(dir);
  config.log.level = 'silent';
  const store = await openSqliteStore({ path: config.store.sqlite.path, blobsPath: config.store.blobs.path });
  const services = createServices(config, store, createLogger(config), { defaultMetrics: false });
  const { directory, mail, bus } = services;
  const events: ChangeEvent[] = [];
  // Every event published, whichever account: imports create accounts and mailboxes as they go.
  const publish = bus.publish.bind(bus);
  bus.publish = (e) => {
    events.push(e);
    publish(e);
  };
  const { importer } = services.migrations;
  // Calendars and contacts through the real DAV services; `groupware: false` builds a sink without them (items "unsupported").
  const sink = createServicesSink({ importer, actor: SYSTEM, ...(options.groupware === false ? {} : davImportTargets(importer, SYSTEM)) });
  const groupware: StoredGroupware = {
    async collection(address, uri) {
      const account = await directory.accounts.get(SYSTEM, address);
      for (const kind of ['calendar', 'addressbook'] as const) {
        const view = await services.dav.collections.find(SYSTEM, account.id, kind, uri).catch(() => null);
        if (!view) continue;
        const objects = new Map<string, string>();
        for (const o of await services.dav.collections.listObjectData(SYSTEM, view.collection.id)) objects.set(o.uid, o.data);
        return { components: view.collection.components, objects };
      }
      return undefined;
    },
    get puts() {
      return events.filter((e) => e.kind === 'dav' && e.change === 'written').length;
    },
  };
  const checkpoints = memoryCheckpoints();
  // Imports create accounts, never domains: the domain is the operator's decision.
  await directory.domains.create(SYSTEM, { name: 'example.org' });
  const target: Target = {
    dir, config, store, services, directory, mail, events, groupware, sink, checkpoints,
    async account(address) {
      const domain = address.split('@')[1];
      try {
        await directory.domains.get(SYSTEM, domain);
      } catch {
        await directory.domains.create(SYSTEM, { name: domain });
      }
      const a = await directory.accounts.create(SYSTEM, { address });
      return { id: a.id, address: a.address };
    },
    run(source, users, options = {}) {
      return runMigration({ source, sink, directory: createDirectoryTarget(directory.accounts, SYSTEM), checkpoints }, users, { ...DEFAULT_OPTIONS, ...options }, source.kind);
    },
    async snapshot(address) {
      const account = await directory.accounts.get(SYSTEM, address);
      const out: Record<string, string[]> = {};
      for (const mailbox of await mail.mailboxes.list(SYSTEM, account.id)) {
        const list = await mail.messages.list(SYSTEM, mailbox.id);
        if (list.uids.length === 0) continue;
        const records = await mail.messages.fetch(SYSTEM, mailbox.id, [[list.uids[0], list.uids[list.uids.length - 1]]]);
        out[mailbox.name] = records.map((r) => `${r.blobId} ${r.flags.join(' ')} ${r.internalDate}`).sort();
      }
      return out;
    },
    async messages(address, folder) {
      const account = await directory.accounts.get(SYSTEM, address);
      const box = (await mail.mailboxes.find(SYSTEM, account.id, folder))?.mailbox;
      if (!box) return [];
      const list = await mail.messages.list(SYSTEM, box.id);
      if (list.uids.length === 0) return [];
      const out: Buffer[] = [];
      for (const r of await mail.messages.fetch(SYSTEM, box.id, [[list.uids[0], list.uids[list.uids.length - 1]]])) {
        const chunks: Buffer[] = [];
        for await (const c of await mail.messages.open(SYSTEM, r)) chunks.push(c as Buffer);
        out.push(Buffer.concat(chunks));
      }
      return out;
    },
    async close() {
      await services.junkTraining.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return target;
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** A user line as the CSV or the command line gives it. */
export function user(identity: string, target: string, extra: Partial<UserMapping> = {}): UserMapping {
  return { source: { identity, secret: null }, target, create: true, ...extra };
}
