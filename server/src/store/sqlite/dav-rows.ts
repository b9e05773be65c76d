// Row decoding for the DAV tables (dav-schema.ts).
import type { CollectionKind, CollectionRole, DavCollection, DavObject, DavObjectInfo } from '../../model/dav.ts';
import type { Row } from './sqlite-connection.ts';

export const OBJECT_INFO_COLUMNS = 'collection_id, name, uid, etag, size, component, start_ms, end_ms, recurring, seq, schedule_tag, created_at, updated_at';

export function decodeCollection(r: Row): DavCollection {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    kind: String(r.kind) as CollectionKind,
    uri: String(r.uri),
    role: r.role === null ? null : String(r.role) as CollectionRole,
    displayName: String(r.display_name),
    description: String(r.description),
    color: r.color === null ? null : String(r.color),
    order: r.sort_order === null ? null : Number(r.sort_order),
    timezone: r.timezone === null ? null : String(r.timezone),
    components: JSON.parse(String(r.components)) as string[],
    properties: JSON.parse(String(r.properties)) as Record<string, string>,
    syncSeq: Number(r.sync_seq),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export function decodeObjectInfo(r: Row): DavObjectInfo {
  return {
    collectionId: String(r.collection_id),
    name: String(r.name),
    uid: String(r.uid),
    etag: String(r.etag),
    size: Number(r.size),
    component: String(r.component),
    startMs: Number(r.start_ms),
    endMs: Number(r.end_ms),
    recurring: Number(r.recurring) === 1,
    seq: Number(r.seq),
    scheduleTag: r.schedule_tag === null ? null : String(r.schedule_tag),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export function decodeObject(r: Row): DavObject {
  return { ...decodeObjectInfo(r), data: String(r.data) };
}
