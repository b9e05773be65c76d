// Calendars and address books on SQLite (dav-port.ts). Object writes take
// the collection's next sequence and upsert the change log in the same
// transaction, so a sync token never names a state that was not committed.
import type { DavStore } from '../dav-port.ts';
import { StoaError } from '../../errors/catalogue.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';
import { OBJECT_INFO_COLUMNS, decodeCollection, decodeObject, decodeObjectInfo } from './dav-rows.ts';
import type { DavCollection } from '../../model/dav.ts';
import type { DavWriteCondition } from '../dav-port.ts';

function requireCollection(c: SqliteConnection, id: string): DavCollection {
  const row = c.get('SELECT * FROM dav_collections WHERE id = ?', id);
  if (!row) throw new StoaError('STOA_NOT_FOUND', `collection ${id}`);
  return decodeCollection(row);
}

function checkCondition(current: { etag: string } | undefined, condition: DavWriteCondition | undefined, name: string): void {
  if (!condition || condition.etag === undefined) return;
  if (condition.etag === null && current) throw new StoaError('STOA_PRECONDITION_FAILED', `${name} already exists`);
  if (condition.etag !== null && (!current || current.etag !== condition.etag)) {
    throw new StoaError('STOA_PRECONDITION_FAILED', current ? `${name} has changed (entity tag "${current.etag}")` : `${name} does not exist`);
  }
}

/** Takes the collection's next sequence number and records the change under it. */
function logChange(c: SqliteConnection, collectionId: string, name: string, deleted: boolean, at: string): number {
  const row = c.get('UPDATE dav_collections SET sync_seq = sync_seq + 1 WHERE id = ? RETURNING sync_seq', collectionId);
  if (!row) throw new StoaError('STOA_NOT_FOUND', `collection ${collectionId}`);
  const seq = Number(row.sync_seq);
  c.run(
    `INSERT INTO dav_changes (collection_id, name, seq, deleted, changed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (collection_id, name) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, changed_at = excluded.changed_at`,
    collectionId, name, seq, deleted ? 1 : 0, at,
  );
  return seq;
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export function sqliteDavStore(x: Executor): DavStore {
  return {
    createCollection: (col) => x.write((c) => {
      try {
        c.run(
          `INSERT INTO dav_collections (id, owner_id, kind, uri, role, display_name, description, color, sort_order, timezone,
             components, properties, sync_seq, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
          col.id, col.ownerId, col.kind, col.uri, col.role, col.displayName, col.description, col.color, col.order, col.timezone,
          JSON.stringify(col.components), JSON.stringify(col.properties), col.createdAt, col.updatedAt,
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `a ${col.kind} named ${col.uri} already exists`, { cause: err });
        throw err;
      }
      return requireCollection(c, col.id);
    }),

    getCollection: (id) => x.read((c) => {
      const row = c.get('SELECT * FROM dav_collections WHERE id = ?', id);
      return row ? decodeCollection(row) : null;
    }),

    getCollectionByUri: (ownerId, kind, uri) => x.read((c) => {
      const row = c.get('SELECT * FROM dav_collections WHERE owner_id = ? AND kind = ? AND uri = ?', ownerId, kind, uri);
      return row ? decodeCollection(row) : null;
    }),

    listCollections: (ownerId, kind) => x.read((c) => (kind
      ? c.all('SELECT * FROM dav_collections WHERE owner_id = ? AND kind = ? ORDER BY uri', ownerId, kind)
      : c.all('SELECT * FROM dav_collections WHERE owner_id = ? ORDER BY kind, uri', ownerId)).map(decodeCollection)),

    getCollections: (ids) => x.read((c) => (ids.length === 0 ? [] : c.all(`SELECT * FROM dav_collections WHERE id IN (${placeholders(ids.length)})`, ...ids).map(decodeCollection))),

    updateCollection: (id, patch) => x.write((c) => {
      const current = requireCollection(c, id);
      const next = { ...current, ...patch };
      c.run(
        `UPDATE dav_collections SET display_name = ?, description = ?, color = ?, sort_order = ?, timezone = ?, components = ?, properties = ?, updated_at = ?
         WHERE id = ?`,
        next.displayName, next.description, next.color, next.order, next.timezone, JSON.stringify(next.components), JSON.stringify(next.properties),
        next.updatedAt, id,
      );
      return requireCollection(c, id);
    }),

    deleteCollection: (id) => x.write((c) => {
      requireCollection(c, id);
      const usage = c.get('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM dav_objects WHERE collection_id = ?', id)!;
      c.run('DELETE FROM dav_objects WHERE collection_id = ?', id);
      c.run('DELETE FROM dav_changes WHERE collection_id = ?', id);
      c.run('DELETE FROM dav_shares WHERE collection_id = ?', id);
      c.run('DELETE FROM dav_collections WHERE id = ?', id);
      return { objects: Number(usage.n), bytes: Number(usage.bytes) };
    }),

    putObject: (obj, condition) => x.write((c) => {
      requireCollection(c, obj.collectionId);
      const current = c.get('SELECT etag, created_at FROM dav_objects WHERE collection_id = ? AND name = ?', obj.collectionId, obj.name);
      checkCondition(current ? { etag: String(current.etag) } : undefined, condition, obj.name);
      const clash = c.get('SELECT name FROM dav_objects WHERE collection_id = ? AND uid = ? AND name <> ?', obj.collectionId, obj.uid, obj.name);
      if (clash) throw new StoaError('STOA_CONFLICT', `UID ${obj.uid} is already used by ${String(clash.name)}`);
      const seq = logChange(c, obj.collectionId, obj.name, false, obj.updatedAt);
      const createdAt = current ? String(current.created_at) : obj.updatedAt;
      c.run(
        `INSERT INTO dav_objects (collection_id, name, uid, etag, size, component, start_ms, end_ms, recurring, data, seq, schedule_tag, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (collection_id, name) DO UPDATE SET uid = excluded.uid, etag = excluded.etag, size = excluded.size,
           component = excluded.component, start_ms = excluded.start_ms, end_ms = excluded.end_ms, recurring = excluded.recurring,
           data = excluded.data, seq = excluded.seq, schedule_tag = excluded.schedule_tag, updated_at = excluded.updated_at`,
        obj.collectionId, obj.name, obj.uid, obj.etag, obj.size, obj.component, obj.startMs, obj.endMs, obj.recurring ? 1 : 0, obj.data, seq,
        obj.scheduleTag, createdAt, obj.updatedAt,
      );
      const { updatedAt: _u, ...rest } = obj;
      return { object: { ...rest, seq, createdAt, updatedAt: obj.updatedAt }, created: !current };
    }),

    getObject: (collectionId, name) => x.read((c) => {
      const row = c.get('SELECT * FROM dav_objects WHERE collection_id = ? AND name = ?', collectionId, name);
      return row ? decodeObject(row) : null;
    }),

    getObjects: (collectionId, names) => x.read((c) => {
      const out = [];
      // Bounded batches keep the statement cache small (one shape per batch size up to 100).
      for (let i = 0; i < names.length; i += 100) {
        const batch = names.slice(i, i + 100);
        out.push(...c.all(`SELECT * FROM dav_objects WHERE collection_id = ? AND name IN (${placeholders(batch.length)})`, collectionId, ...batch).map(decodeObject));
      }
      return out;
    }),

    getObjectByUid: (collectionId, uid) => x.read((c) => {
      const row = c.get('SELECT * FROM dav_objects WHERE collection_id = ? AND uid = ?', collectionId, uid);
      return row ? decodeObject(row) : null;
    }),

    countObjects: (collectionId) => x.read((c) => Number(c.get('SELECT count(*) AS n FROM dav_objects WHERE collection_id = ?', collectionId)?.n ?? 0)),

    listObjects: (collectionId) => x.read((c) => c.all(`SELECT ${OBJECT_INFO_COLUMNS} FROM dav_objects WHERE collection_id = ? ORDER BY name`, collectionId).map(decodeObjectInfo)),

    listObjectData: (collectionId) => x.read((c) => c.all('SELECT * FROM dav_objects WHERE collection_id = ? ORDER BY name', collectionId).map(decodeObject)),

    objectsInRange: (collectionId, startMs, endMs, component, withData = true) => x.read((c) => {
      // The covering index finds the names; only matching rows are read in full.
      const columns = withData ? '*' : `${OBJECT_INFO_COLUMNS}, CASE WHEN recurring = 1 THEN data ELSE '' END AS data`;
      const rows = component
        ? c.all(`SELECT ${columns} FROM dav_objects WHERE collection_id = ? AND start_ms < ? AND end_ms > ? AND component = ?`, collectionId, endMs, startMs, component)
        : c.all(`SELECT ${columns} FROM dav_objects WHERE collection_id = ? AND start_ms < ? AND end_ms > ?`, collectionId, endMs, startMs);
      return rows.map(decodeObject);
    }),

    deleteObject: (collectionId, name, at, condition) => x.write((c) => {
      const row = c.get('SELECT * FROM dav_objects WHERE collection_id = ? AND name = ?', collectionId, name);
      checkCondition(row ? { etag: String(row.etag) } : undefined, condition, name);
      if (!row) throw new StoaError('STOA_NOT_FOUND', `${name} does not exist`);
      c.run('DELETE FROM dav_objects WHERE collection_id = ? AND name = ?', collectionId, name);
      logChange(c, collectionId, name, true, at);
      return decodeObject(row);
    }),

    changesSince: (collectionId, seq) => x.read((c) => {
      const col = c.get('SELECT sync_seq, sync_horizon FROM dav_collections WHERE id = ?', collectionId);
      if (!col) throw new StoaError('STOA_NOT_FOUND', `collection ${collectionId}`);
      const current = Number(col.sync_seq);
      if (seq < Number(col.sync_horizon) || seq > current) return null;
      const changes = c.all('SELECT name, seq, deleted FROM dav_changes WHERE collection_id = ? AND seq > ? ORDER BY seq', collectionId, seq)
        .map((r) => ({ name: String(r.name), seq: Number(r.seq), deleted: Number(r.deleted) === 1 }));
      return { changes, seq: current };
    }),

    pruneTombstones: (before) => x.write((c) => {
      const rows = c.all('SELECT collection_id, max(seq) AS top FROM dav_changes WHERE deleted = 1 AND changed_at < ? GROUP BY collection_id', before);
      for (const r of rows) c.run('UPDATE dav_collections SET sync_horizon = max(sync_horizon, ?) WHERE id = ?', Number(r.top), String(r.collection_id));
      return c.run('DELETE FROM dav_changes WHERE deleted = 1 AND changed_at < ?', before);
    }),

    // Running totals kept by triggers (dav-schema.ts, migration 27), not a count of the objects.
    usage: (ownerId) => x.read((c) => {
      const row = c.get('SELECT objects, bytes FROM dav_usage WHERE owner_id = ?', ownerId);
      return { objects: Number(row?.objects ?? 0), bytes: Number(row?.bytes ?? 0) };
    }),

    setShare: (collectionId, grantee, access, at) => x.write((c) => {
      requireCollection(c, collectionId);
      if (access === null) c.run('DELETE FROM dav_shares WHERE collection_id = ? AND grantee_id = ?', collectionId, grantee.id);
      else {
        c.run(
          `INSERT INTO dav_shares (collection_id, grantee_kind, grantee_id, access, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collection_id, grantee_id) DO UPDATE SET access = excluded.access, grantee_kind = excluded.grantee_kind`,
          collectionId, grantee.kind, grantee.id, access, at,
        );
      }
    }),

    listShares: (collectionId) => x.read((c) => c.all('SELECT * FROM dav_shares WHERE collection_id = ? ORDER BY created_at, grantee_id', collectionId).map(decodeShare)),

    sharesFor: (ids) => x.read((c) => (ids.length === 0 ? [] : c.all(`SELECT * FROM dav_shares WHERE grantee_id IN (${placeholders(ids.length)}) ORDER BY collection_id`, ...ids).map(decodeShare))),

    setDelegation: (ownerId, delegate, access, at) => x.write((c) => {
      if (access === null) c.run('DELETE FROM dav_delegations WHERE owner_id = ? AND delegate_id = ?', ownerId, delegate.id);
      else {
        c.run(
          `INSERT INTO dav_delegations (owner_id, delegate_kind, delegate_id, access, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (owner_id, delegate_id) DO UPDATE SET access = excluded.access, delegate_kind = excluded.delegate_kind`,
          ownerId, delegate.kind, delegate.id, access, at,
        );
      }
    }),

    delegationsOf: (ownerId) => x.read((c) => c.all('SELECT * FROM dav_delegations WHERE owner_id = ? ORDER BY created_at, delegate_id', ownerId).map(decodeDelegation)),

    delegationsFor: (ids) => x.read((c) => (ids.length === 0 ? [] : c.all(`SELECT * FROM dav_delegations WHERE delegate_id IN (${placeholders(ids.length)}) ORDER BY owner_id`, ...ids).map(decodeDelegation))),

    deleteForOwner: (ownerId) => x.write((c) => {
      const ids = c.all('SELECT id FROM dav_collections WHERE owner_id = ?', ownerId).map((r) => String(r.id));
      for (const id of ids) {
        c.run('DELETE FROM dav_objects WHERE collection_id = ?', id);
        c.run('DELETE FROM dav_changes WHERE collection_id = ?', id);
        c.run('DELETE FROM dav_shares WHERE collection_id = ?', id);
        c.run('DELETE FROM dav_collections WHERE id = ?', id);
      }
      c.run('DELETE FROM dav_delegations WHERE owner_id = ? OR delegate_id = ?', ownerId, ownerId);
      c.run('DELETE FROM dav_shares WHERE grantee_id = ?', ownerId);
      c.run('DELETE FROM dav_usage WHERE owner_id = ?', ownerId);
      return ids.length;
    }),

    deleteForGrantee: (granteeId) => x.write((c) => {
      const shares = c.run('DELETE FROM dav_shares WHERE grantee_id = ?', granteeId);
      const delegations = c.run('DELETE FROM dav_delegations WHERE delegate_id = ?', granteeId);
      return shares + delegations;
    }),
  };
}

function decodeShare(r: Record<string, unknown>) {
  return {
    collectionId: String(r.collection_id), granteeKind: String(r.grantee_kind) as 'account' | 'group', granteeId: String(r.grantee_id),
    access: String(r.access) as 'read' | 'read-write', createdAt: String(r.created_at),
  };
}

function decodeDelegation(r: Record<string, unknown>) {
  return {
    ownerId: String(r.owner_id), delegateKind: String(r.delegate_kind) as 'account' | 'group', delegateId: String(r.delegate_id),
    access: String(r.access) as 'read' | 'read-write', createdAt: String(r.created_at),
  };
}
