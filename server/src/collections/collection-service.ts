// The collection service (api.ts): rights on every call (access.ts), object
// bodies validated by the codec of the collection's kind, quota counted
// against the account's storage quota together with its mail (mail/quota.ts
// holds the one rule for both), and every
// administrative change committed with its audit entry.
import { randomBytes, createHash } from 'node:crypto';
import { writeAudit, type AuditChange } from '../audit/audit-log.ts';
import type { Actor } from '../directory/api.ts';
import type { ChangeBus, DavCollectionChange } from '../events/change-bus.ts';
import { notFound } from '../directory/access.ts';
import { StoaError, isStoaError } from '../errors/catalogue.ts';
import { assertStorageQuota, storageUsage } from '../mail/quota.ts';
import type { CollectionKind, DavCollection, DavObject, ShareAccess } from '../model/dav.ts';
import type { Store, StoreTx } from '../store/port.ts';
import { accessTo, administers, identitiesOf } from './access.ts';
import type { CollectionAccess, CollectionService, CollectionView, DavPrincipal, Grant, HomeEntry, ObjectCodec } from './api.ts';
import { loadOwner, type CollectionOwner } from './owners.ts';
import { checkScheduleTag, storeCondition } from './write-conditions.ts';
import { checkCollectionInput, checkObjectName, mergeProperties } from './collection-input.ts';

export interface CollectionServiceDeps {
  store: Store;
  /** Changes are published here once committed (DavCollectionChange), for DAV push and live views. */
  bus?: ChangeBus;
  codecs: Record<CollectionKind, ObjectCodec>;
  /** Shares one collection, and DAV delegations one owner, may carry (dav.maxGrants); each rights check reads them. */
  maxGrants?: number;
  /** Collections of one owner (dav.maxCollections) and objects of one collection (dav.maxObjectsPerCollection). */
  maxCollections?: number;
  maxObjectsPerCollection?: number;
  /** ISO time; injectable for tests. */
  now?: () => string;
}

function forbidden(what: string): StoaError {
  return new StoaError('STOA_FORBIDDEN', what);
}

/** Strong entity tag of a body: its hash, so identical content has the same tag on every node. */
export function entityTag(data: string): string {
  return createHash('sha256').update(data).digest('base64url').slice(0, 27);
}

export function createCollectionService({
  store, bus, codecs, maxGrants = 1000, maxCollections = 1000, maxObjectsPerCollection = 100_000, now = () => new Date().toISOString(),
}: CollectionServiceDeps): CollectionService {
  /** A new object in a collection that holds the most it may: STOA_DAV_LIMIT. */
  async function assertRoomFor(tx: StoreTx, collectionId: string): Promise<void> {
    if (await tx.dav.countObjects(collectionId) >= maxObjectsPerCollection) {
      throw new StoaError('STOA_DAV_LIMIT', `the collection holds ${maxObjectsPerCollection} objects (dav.maxObjectsPerCollection)`);
    }
  }

  function publish(col: Pick<DavCollection, 'id' | 'ownerId' | 'kind' | 'syncSeq'>, name: string | null, change: DavCollectionChange['change']): void {
    bus?.publish({ kind: 'dav', accountId: col.ownerId, collectionId: col.id, collectionKind: col.kind, name, change, syncSeq: col.syncSeq });
  }

  /** Publishes with the collection's sync sequence as committed (deletions and transfers do not return it). */
  async function publishCommitted(id: string, name: string | null, change: DavCollectionChange['change']): Promise<void> {
    if (!bus) return;
    const col = await store.dav.getCollection(id);
    if (col) publish(col, name, change);
  }

  /** The owner of collections: an account, a shared mailbox or a resource (owners.ts). */
  async function ownerOf(id: string): Promise<CollectionOwner> {
    const owner = await loadOwner(store, id);
    if (!owner) throw notFound('account', id);
    return owner;
  }

  function asPrincipal(owner: CollectionOwner | null): DavPrincipal | null {
    return owner && owner.kind !== 'resource' ? { ...owner, kind: owner.kind } : null;
  }

  async function view(actor: Actor, col: DavCollection, identities?: readonly string[]): Promise<CollectionView | null> {
    const access = await accessTo(store, actor, col, identities);
    if (!access.read && !access.manage) return null;
    const owner = await ownerOf(col.ownerId);
    return { collection: col, access, owner: { id: owner.id, address: owner.address, displayName: owner.displayName } };
  }

  async function viewOf(actor: Actor, id: string): Promise<CollectionView> {
    const col = await store.dav.getCollection(id);
    const v = col ? await view(actor, col) : null;
    if (!v) throw notFound('collection', id);
    return v;
  }

  function require(v: CollectionView, right: keyof Omit<CollectionAccess, 'via'>, what: string): void {
    if (!v.access[right]) throw forbidden(`you may not ${what} in ${v.collection.displayName || v.collection.uri}`);
  }

  async function change<T>(actor: Actor, ownerId: string, fn: (tx: StoreTx, at: string) => Promise<{ result: T; audit: Omit<AuditChange, 'domainId'> }>): Promise<T> {
    return store.atomic(async (tx) => {
      const at = now();
      const done = await fn(tx, at);
      const owner = await loadOwner(tx, ownerId);
      await writeAudit(tx, actor, at, { ...done.audit, domainId: owner?.domainId ?? null });
      return done.result;
    });
  }

  /**
   * The grantee of a share or delegation, as the mailbox grants name theirs
   * (directory/mailbox-grant-service.ts): an account or group, here of the
   * owner's domain only; anything else reads as nonexistent.
   */
  async function resolveGrantee(ownerId: string, ref: string): Promise<{ kind: 'account' | 'group'; id: string; address: string }> {
    const owner = await ownerOf(ownerId);
    const key = ref.trim().toLowerCase().replace(/^mailto:/, '');
    const account = (await store.accounts.get(ref)) ?? (await store.accounts.getByAddress(key));
    const found = account ? { kind: 'account' as const, id: account.id, address: account.address, domainId: account.domainId }
      : await (async () => {
        const id = ref.startsWith('$') ? ref.slice(1) : ref;
        const g = (await store.groups.get(id)) ?? (await store.groups.getByAddress(key));
        return g ? { kind: 'group' as const, id: g.id, address: g.address, domainId: g.domainId } : null;
      })();
    // Shares stay inside the owner's domain, as the directory does for public folders.
    if (!found || found.domainId === null || found.domainId !== owner.domainId) {
      throw new StoaError('STOA_INVALID_REFERENCE', `no account or group "${ref}" in the domain of ${owner.address}`, { errors: [{ path: '/grantee', message: 'unknown account or group' }] });
    }
    if (found.id === ownerId) throw new StoaError('STOA_GRANT_INVALID', 'the owner already holds every right', { errors: [{ path: '/grantee', message: 'the owner itself' }] });
    return found;
  }

  function auditOfGrant(grantee: { kind: string; address: string }, access: ShareAccess | null, previous: ShareAccess | null): Pick<AuditChange, 'action' | 'before' | 'after'> {
    return {
      action: access === null ? 'revoke' : 'grant',
      before: previous === null ? null : { grantee: grantee.address, granteeKind: grantee.kind, access: previous },
      after: access === null ? null : { grantee: grantee.address, granteeKind: grantee.kind, access },
    };
  }

  async function grantsView(rows: readonly { granteeKind: 'account' | 'group'; granteeId: string; access: ShareAccess }[], source: Grant['source'] = 'dav'): Promise<Grant[]> {
    const out: Grant[] = [];
    for (const r of rows) {
      const address = r.granteeKind === 'account' ? (await store.accounts.get(r.granteeId))?.address : (await store.groups.get(r.granteeId))?.address;
      out.push({ grantee: { kind: r.granteeKind, id: r.granteeId, address: address ?? null }, access: r.access, source });
    }
    return out;
  }

  async function requireOwnerOrAdmin(actor: Actor, ownerId: string, what: string): Promise<void> {
    if (actor.id === ownerId || actor.id === null) return;
    if (!await administers(store, actor, ownerId)) {
      // Another user's collections answer as missing.
      throw notFound('account', ownerId);
    }
    void what;
  }

  // Accounts whose defaults this process has already checked (bounded; a miss only costs two reads).
  const ensured = new Set<string>();

  /** The default collections of an owner that exists (nothing for an unknown id). */
  async function ensureDefaultsIn(ownerId: string): Promise<void> {
    if (ensured.has(ownerId)) return;
    if (!await loadOwner(store, ownerId)) return;
    for (const kind of ['calendar', 'addressbook', 'files'] as const) {
      const existing = await store.dav.listCollections(ownerId, kind);
      for (const d of codecs[kind].defaults) {
        if (existing.some((c) => c.role === d.role || c.uri === d.uri)) continue;
        const at = now();
        try {
          await store.dav.createCollection({
            id: randomBytes(12).toString('base64url'), ownerId, kind, uri: d.uri, role: d.role, displayName: d.displayName ?? d.uri,
            description: d.description ?? '', color: d.color ?? null, order: d.order ?? null, timezone: d.timezone ?? null,
            components: d.components ?? [], properties: {}, createdAt: at, updatedAt: at,
          });
        } catch (err) {
          // Two first requests of one account raced: the other created it.
          if (!isStoaError(err, 'STOA_CONFLICT')) throw err;
        }
      }
    }
    if (ensured.size > 100_000) ensured.clear();
    ensured.add(ownerId);
  }

  const service: CollectionService = {
    async principal(actor, address) {
      const key = address.trim().toLowerCase();
      const account = (await store.accounts.getByAddress(key)) ?? (await store.accounts.get(address));
      const id = account?.id ?? (await store.sharedMailboxes.getByAddress(key))?.id ?? address;
      const found = asPrincipal(await loadOwner(store, id));
      if (!found || !found.enabled) throw notFound('principal', address);
      const self = actor.id !== null ? await store.accounts.get(actor.id) : null;
      const visible = actor.id === null || actor.id === found.id || (self !== null && self.domainId !== null && self.domainId === found.domainId)
        || await administers(store, actor, found.id);
      if (!visible) throw notFound('principal', address);
      return found;
    },

    async ensureDefaults(actor, ownerId) {
      if (actor.id !== ownerId && actor.id !== null) await requireOwnerOrAdmin(actor, ownerId, 'create default collections');
      await ensureDefaultsIn(ownerId);
    },

    async home(actor, ownerId, kind) {
      // Every account has its default collections, also when a delegate or sharee looks first.
      await ensureDefaultsIn(ownerId);
      const identities = actor.id !== null ? await identitiesOf(store, actor.id) : [];
      const out: HomeEntry[] = [];
      for (const col of await store.dav.listCollections(ownerId, kind)) {
        const v = await view(actor, col, identities);
        if (v) out.push({ ...v, mounted: false });
      }
      if (actor.id === ownerId) {
        const shares = await store.dav.sharesFor(identities);
        const ids = [...new Set(shares.map((s) => s.collectionId))];
        for (const col of await store.dav.getCollections(ids)) {
          if (col.kind !== kind || col.ownerId === ownerId) continue;
          const v = await view(actor, col, identities);
          if (v) out.push({ ...v, mounted: true });
        }
      }
      return out;
    },

    get: (actor, id) => viewOf(actor, id),

    async find(actor, ownerId, kind, uri) {
      // A delegate or admin may name a default collection before its owner ever looked (a shared mailbox never does).
      await ensureDefaultsIn(ownerId);
      const col = await store.dav.getCollectionByUri(ownerId, kind, uri);
      const v = col ? await view(actor, col) : null;
      if (!v) throw notFound('collection', uri);
      return v;
    },

    async create(actor, ownerId, kind, input) {
      await requireOwnerOrAdmin(actor, ownerId, 'create collections');
      const checked = checkCollectionInput(kind, input);
      const at = now();
      const col = await change(actor, ownerId, async (tx) => {
        if ((await tx.dav.listCollections(ownerId)).length >= maxCollections) {
          throw new StoaError('STOA_DAV_LIMIT', `an owner has at most ${maxCollections} calendars, address books and folders (dav.maxCollections)`);
        }
        try {
          const created = await tx.dav.createCollection({ ...checked, id: randomBytes(12).toString('base64url'), ownerId, kind, role: null, createdAt: at, updatedAt: at });
          return { result: created, audit: { action: 'create', objectType: kind, objectId: created.id, before: null, after: { ownerId, uri: created.uri, displayName: created.displayName } } };
        } catch (err) {
          if (isStoaError(err, 'STOA_CONFLICT')) throw new StoaError('STOA_DAV_COLLECTION_EXISTS', `${kind} ${input.uri} already exists`, { cause: err });
          throw err;
        }
      });
      publish(col, null, 'collection');
      return (await view(actor, col))!;
    },

    async update(actor, id, patch) {
      const v = await viewOf(actor, id);
      require(v, 'writeProperties', 'change properties');
      const { properties, ...rest } = patch;
      const checked = checkCollectionInput(v.collection.kind, { uri: v.collection.uri, ...rest }, true);
      const next = { ...checked, properties: mergeProperties(v.collection.properties, properties ?? {}) };
      const updated = await change(actor, v.collection.ownerId, async (tx, at) => {
        const col = await tx.dav.updateCollection(id, { ...next, updatedAt: at });
        return { result: col, audit: { action: 'update', objectType: col.kind, objectId: col.id, before: null, after: rest } };
      });
      publish(updated, null, 'collection');
      return (await view(actor, updated))!;
    },

    async delete(actor, id) {
      const v = await viewOf(actor, id);
      require(v, 'manage', 'delete the collection');
      // A deleted default collection comes back at the owner's next request.
      if (v.collection.role) ensured.delete(v.collection.ownerId);
      const usage = await change(actor, v.collection.ownerId, async (tx) => ({
        result: await tx.dav.deleteCollection(id),
        audit: { action: 'delete', objectType: v.collection.kind, objectId: id, before: { uri: v.collection.uri, displayName: v.collection.displayName }, after: null },
      }));
      publish(v.collection, null, 'collection');
      return usage;
    },

    async listObjects(actor, id) {
      require(await viewOf(actor, id), 'read', 'read');
      return store.dav.listObjects(id);
    },

    async listObjectData(actor, id) {
      require(await viewOf(actor, id), 'read', 'read');
      return store.dav.listObjectData(id);
    },

    async getObject(actor, id, name) {
      require(await viewOf(actor, id), 'read', 'read');
      const obj = await store.dav.getObject(id, name);
      if (!obj) throw notFound('object', name);
      return obj;
    },

    async getObjects(actor, id, names) {
      require(await viewOf(actor, id), 'read', 'read');
      return store.dav.getObjects(id, names);
    },

    async objectsInRange(actor, id, startMs, endMs, component, withData = true) {
      require(await viewOf(actor, id), 'read', 'read');
      return store.dav.objectsInRange(id, startMs, endMs, component, withData);
    },

    async putObject(actor, id, name, text, condition = {}, options = {}) {
      const v = await viewOf(actor, id);
      require(v, 'writeContent', 'change objects');
      if (v.collection.role === 'inbox' && actor.id !== null) throw forbidden('only the server delivers into a schedule inbox (RFC 6638 §2.2)');
      checkObjectName(name);
      const valid = codecs[v.collection.kind].validate(text, v.collection, name);
      const etag = entityTag(valid.data);
      const size = Buffer.byteLength(valid.data);
      let stored: { object: DavObject; created: boolean };
      try {
        stored = await store.atomic(async (tx) => {
          const current = await tx.dav.getObject(id, name);
          // RFC 4791 §5.3.2.1 / RFC 6352 §6.3.2.1: a PUT onto an existing resource must keep its UID.
          if (current && current.uid !== valid.uid) throw new StoaError('STOA_DAV_UID_CONFLICT', `${name} has UID ${current.uid}, not ${valid.uid}`);
          checkScheduleTag(current, condition);
          if (!current) await assertRoomFor(tx, id);
          await assertStorageQuota(tx, v.collection.ownerId, size - (current?.size ?? 0));
          const scheduleTag = valid.scheduleTag && options.keepScheduleTag && current?.scheduleTag ? current.scheduleTag : valid.scheduleTag;
          return tx.dav.putObject({
            collectionId: id, name, uid: valid.uid, etag, size, component: valid.component, startMs: valid.startMs, endMs: valid.endMs,
            recurring: valid.recurring, data: valid.data, scheduleTag, updatedAt: now(),
          }, storeCondition(condition));
        });
      } catch (err) {
        if (isStoaError(err, 'STOA_CONFLICT')) throw new StoaError('STOA_DAV_UID_CONFLICT', err.detail, { cause: err });
        throw err;
      }
      publish({ ...v.collection, syncSeq: stored.object.seq }, name, 'written');
      return stored;
    },

    async deleteObject(actor, id, name, condition = {}) {
      const v = await viewOf(actor, id);
      require(v, 'writeContent', 'delete objects');
      if (condition.scheduleTag === undefined) await store.dav.deleteObject(id, name, now(), storeCondition(condition));
      else {
        await store.atomic(async (tx) => {
          checkScheduleTag(await tx.dav.getObject(id, name), condition);
          await tx.dav.deleteObject(id, name, now(), storeCondition(condition));
        });
      }
      await publishCommitted(id, name, 'deleted');
    },

    async transferObject(actor, from, to, options) {
      const source = await viewOf(actor, from.id);
      require(source, 'read', 'read');
      if (options.move) require(source, 'writeContent', 'move objects');
      const target = await viewOf(actor, to.id);
      require(target, 'writeContent', 'create objects');
      if (target.collection.role === 'inbox' && actor.id !== null) throw forbidden('only the server delivers into a schedule inbox (RFC 6638 §2.2)');
      if (source.collection.kind !== target.collection.kind) throw forbidden('objects cannot move between calendars, address books and folders');
      checkObjectName(to.name);
      const obj: DavObject | null = await store.dav.getObject(from.id, from.name);
      if (!obj) throw notFound('object', from.name);
      if (from.id === to.id && from.name === to.name) throw forbidden('source and destination are the same resource');
      const valid = codecs[target.collection.kind].validate(obj.data, target.collection, to.name);
      let result: { created: boolean };
      try {
        result = await store.atomic(async (tx) => {
          const existing = await tx.dav.getObject(to.id, to.name);
          if (existing && !options.overwrite) throw new StoaError('STOA_PRECONDITION_FAILED', `${to.name} exists and Overwrite is F`);
          if (existing) await tx.dav.deleteObject(to.id, to.name, now(), options.condition ?? {});
          else if (options.condition?.etag) throw new StoaError('STOA_PRECONDITION_FAILED', `${to.name} does not exist`);
          else if (from.id !== to.id || !options.move) await assertRoomFor(tx, to.id);
          if (options.move) await tx.dav.deleteObject(from.id, from.name, now());
          await assertStorageQuota(tx, target.collection.ownerId, options.move && source.collection.ownerId === target.collection.ownerId ? 0 : obj.size);
          await tx.dav.putObject({
            collectionId: to.id, name: to.name, uid: valid.uid, etag: entityTag(valid.data), size: Buffer.byteLength(valid.data), component: valid.component,
            startMs: valid.startMs, endMs: valid.endMs, recurring: valid.recurring, data: valid.data, scheduleTag: valid.scheduleTag, updatedAt: now(),
          });
          return { created: !existing };
        });
      } catch (err) {
        if (isStoaError(err, 'STOA_CONFLICT')) throw new StoaError('STOA_DAV_UID_CONFLICT', err.detail, { cause: err });
        throw err;
      }
      if (options.move) await publishCommitted(from.id, from.name, 'deleted');
      await publishCommitted(to.id, to.name, 'written');
      return result;
    },

    async changes(actor, id, seq) {
      require(await viewOf(actor, id), 'read', 'read');
      return store.dav.changesSince(id, seq);
    },

    async shares(actor, id) {
      const v = await viewOf(actor, id);
      require(v, 'manage', 'see the shares');
      return grantsView(await store.dav.listShares(id));
    },

    async share(actor, id, granteeRef, access) {
      const v = await viewOf(actor, id);
      require(v, 'manage', 'share');
      const grantee = await resolveGrantee(v.collection.ownerId, granteeRef);
      const changed = await change(actor, v.collection.ownerId, async (tx, at) => {
        const current = await tx.dav.listShares(id);
        const previous = current.find((s) => s.granteeId === grantee.id)?.access ?? null;
        if (access !== null && previous === null && current.length >= maxGrants) {
          throw new StoaError('STOA_GRANT_INVALID', `a collection is shared with at most ${maxGrants} accounts or groups (dav.maxGrants); share with a group instead`);
        }
        await tx.dav.setShare(id, grantee, access, at);
        return { result: previous !== access, audit: { objectType: 'dav-share', objectId: id, ...auditOfGrant(grantee, access, previous) } };
      });
      if (changed) publish(v.collection, null, 'collection');
      return grantsView(await store.dav.listShares(id));
    },

    async delegations(actor, ownerId) {
      await requireOwnerOrAdmin(actor, ownerId, 'see delegations');
      const dav = await grantsView((await store.dav.delegationsOf(ownerId)).map((d) => ({ granteeKind: d.delegateKind, granteeId: d.delegateId, access: d.access })));
      const full = (await store.mailboxGrants.forOwner(ownerId)).filter((g) => g.right === 'full-access')
        .map((g) => ({ granteeKind: g.granteeKind, granteeId: g.granteeId, access: 'read-write' as const }));
      return [...dav, ...await grantsView(full, 'full-access')];
    },

    async delegate(actor, ownerId, delegateRef, access) {
      await requireOwnerOrAdmin(actor, ownerId, 'delegate');
      const grantee = await resolveGrantee(ownerId, delegateRef);
      await change(actor, ownerId, async (tx, at) => {
        const current = await tx.dav.delegationsOf(ownerId);
        const previous = current.find((d) => d.delegateId === grantee.id)?.access ?? null;
        if (access !== null && previous === null && current.length >= maxGrants) {
          throw new StoaError('STOA_GRANT_INVALID', `an owner has at most ${maxGrants} calendar delegates (dav.maxGrants); delegate to a group instead`);
        }
        await tx.dav.setDelegation(ownerId, grantee, access, at);
        return { result: null, audit: { objectType: 'dav-delegation', objectId: ownerId, ...auditOfGrant(grantee, access, previous) } };
      });
      return service.delegations(actor, ownerId);
    },

    async delegators(actor, accountId) {
      await requireOwnerOrAdmin(actor, accountId, 'see delegations');
      const identities = await identitiesOf(store, accountId);
      const best = new Map<string, { access: ShareAccess; source: Grant['source'] }>();
      // Full Access first: it is read-write on calendars and address books, whatever the DAV delegation says.
      for (const g of await store.mailboxGrants.forGrantees(identities, 'full-access')) best.set(g.ownerId, { access: 'read-write', source: 'full-access' });
      for (const r of await store.dav.delegationsFor(identities)) {
        const held = best.get(r.ownerId);
        if (!held || (held.source === 'dav' && held.access === 'read')) best.set(r.ownerId, { access: r.access, source: 'dav' });
      }
      const out = [];
      for (const [ownerId, held] of best) {
        const owner = asPrincipal(await loadOwner(store, ownerId));
        if (owner && owner.enabled && owner.id !== accountId) out.push({ owner, ...held });
      }
      return out.sort((a, b) => (a.owner.address < b.owner.address ? -1 : a.owner.address > b.owner.address ? 1 : 0));
    },

    async usage(actor, ownerId) {
      await requireOwnerOrAdmin(actor, ownerId, 'see usage');
      return store.dav.usage(ownerId);
    },

    async quota(actor, ownerId) {
      await requireOwnerOrAdmin(actor, ownerId, 'see the quota');
      const [used, owner] = await Promise.all([storageUsage(store, ownerId), loadOwner(store, ownerId)]);
      return { usedBytes: used.bytes, quotaBytes: owner?.quotaBytes ?? 0 };
    },
  };
  return service;
}
