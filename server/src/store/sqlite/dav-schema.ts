// Tables of calendars and address books (dav-port.ts). Objects keep their
// iCalendar/vCard text inline (bounded by dav.maxResourceBytes) with the
// time span computed at write time; the covering index on (collection,
// start, end) answers a time-range query without reading any object data.
export const DAV_SCHEMA_SQL = `
  CREATE TABLE dav_collections (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('calendar', 'addressbook', 'files')),
    uri TEXT NOT NULL,
    role TEXT,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    color TEXT,
    sort_order INTEGER,
    timezone TEXT,
    components TEXT NOT NULL,
    properties TEXT NOT NULL,
    sync_seq INTEGER NOT NULL,
    -- Changes at or below this sequence were pruned: older sync tokens are invalid.
    sync_horizon INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (owner_id, kind, uri)
  );

  CREATE TABLE dav_objects (
    collection_id TEXT NOT NULL REFERENCES dav_collections(id),
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    component TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER NOT NULL,
    recurring INTEGER NOT NULL,
    data TEXT NOT NULL,
    seq INTEGER NOT NULL,
    schedule_tag TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX dav_objects_name ON dav_objects (collection_id, name);
  CREATE UNIQUE INDEX dav_objects_uid ON dav_objects (collection_id, uid);
  CREATE INDEX dav_objects_span ON dav_objects (collection_id, start_ms, end_ms, component);

  -- One row per resource name: its latest change (RFC 6578); deleted = tombstone.
  CREATE TABLE dav_changes (
    collection_id TEXT NOT NULL,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, name)
  ) WITHOUT ROWID;
  CREATE INDEX dav_changes_seq ON dav_changes (collection_id, seq);
  CREATE INDEX dav_changes_tombstones ON dav_changes (changed_at) WHERE deleted = 1;

  CREATE TABLE dav_shares (
    collection_id TEXT NOT NULL,
    grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('account', 'group')),
    grantee_id TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'read-write')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, grantee_id)
  ) WITHOUT ROWID;
  CREATE INDEX dav_shares_grantee ON dav_shares (grantee_id);

  CREATE TABLE dav_delegations (
    owner_id TEXT NOT NULL,
    delegate_kind TEXT NOT NULL CHECK (delegate_kind IN ('account', 'group')),
    delegate_id TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('read', 'read-write')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (owner_id, delegate_id)
  ) WITHOUT ROWID;
  CREATE INDEX dav_delegations_delegate ON dav_delegations (delegate_id);
`;

// Migration 27: each owner's DAV usage kept as a running total, as mail_usage
// is for mail. The quota check of every delivery reads it (mail/quota.ts:
// mail and DAV share one storage budget); counting it from dav_objects read
// the rows of every calendar entry and contact the recipient has, per
// message. Triggers keep it: every write path of dav_objects is covered,
// whichever store call makes it. The totals are computed once from the
// objects already stored. Collections never change owner, and their objects
// are deleted before them (dav-store.ts), so the owner is always found.
// Never write dav_objects with INSERT OR REPLACE: the row it replaces fires no
// delete trigger (recursive_triggers is off), so its size would be counted
// twice; an upsert (ON CONFLICT DO UPDATE) fires the update trigger.
export const DAV_USAGE_SQL = `
  CREATE TABLE dav_usage (
    owner_id TEXT PRIMARY KEY,
    objects INTEGER NOT NULL,
    bytes INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO dav_usage (owner_id, objects, bytes)
    SELECT k.owner_id, count(*), sum(o.size) FROM dav_objects o JOIN dav_collections k ON k.id = o.collection_id GROUP BY k.owner_id;
  CREATE TRIGGER dav_usage_insert AFTER INSERT ON dav_objects BEGIN
    INSERT INTO dav_usage (owner_id, objects, bytes) SELECT owner_id, 1, new.size FROM dav_collections WHERE id = new.collection_id
      ON CONFLICT (owner_id) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
  END;
  CREATE TRIGGER dav_usage_delete AFTER DELETE ON dav_objects BEGIN
    UPDATE dav_usage SET objects = objects - 1, bytes = bytes - old.size
      WHERE owner_id = (SELECT owner_id FROM dav_collections WHERE id = old.collection_id);
  END;
  CREATE TRIGGER dav_usage_update AFTER UPDATE OF size, collection_id ON dav_objects BEGIN
    UPDATE dav_usage SET objects = objects - 1, bytes = bytes - old.size
      WHERE owner_id = (SELECT owner_id FROM dav_collections WHERE id = old.collection_id);
    INSERT INTO dav_usage (owner_id, objects, bytes) SELECT owner_id, 1, new.size FROM dav_collections WHERE id = new.collection_id
      ON CONFLICT (owner_id) DO UPDATE SET objects = objects + 1, bytes = bytes + excluded.bytes;
  END;
`;
