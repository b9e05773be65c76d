// DAV usage (migration 27, kept by triggers on dav_objects) equals a recount of
// the objects after every store call of a seeded random sequence: new objects,
// new versions of other sizes, conditional puts that fail, UID clashes,
// deletions of missing objects, puts in atomic() calls that roll back, deleted
// collections and deleted owners.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, it } from 'node:test';
import { newId, T0 } from '../contract/harness.ts';
import { openSqliteStore } from './sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'stoa-dav-usage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('dav.usage() equals a recount of dav_objects after a random sequence of writes', async () => {
  const path = join(dir, 'stoa.db');
  const store = await openSqliteStore({ path, blobsPath: join(dir, 'blobs') });
  const counter = new DatabaseSync(path, { readOnly: true });
  const count = counter.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM dav_objects o JOIN dav_collections k ON k.id = o.collection_id WHERE k.owner_id = ?');
  const recount = (owner: string) => {
    const r = count.get(owner)!;
    return { objects: Number(r.n), bytes: Number(r.b) };
  };
  const owners = [newId(), newId(), newId()];
  const cols: { id: string; owner: string }[] = [];
  let uriN = 0;
  const mk = async (owner: string) => {
    const c = await store.dav.createCollection({
      id: newId(), ownerId: owner, kind: 'calendar', uri: `c${uriN++}`, role: null, displayName: 'c', description: '', color: null, order: null,
      timezone: null, components: ['VEVENT'], properties: {}, createdAt: T0, updatedAt: T0,
    });
    cols.push({ id: c.id, owner });
  };
  for (const o of owners) { await mk(o); await mk(o); }
  const obj = (collectionId: string, name: string, uid: string, size: number) => ({
    collectionId, name, uid, etag: newId(), size, component: 'VEVENT', startMs: 0, endMs: 1, recurring: false,
    data: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', scheduleTag: null, updatedAt: T0,
  });
  let seed = 42;
  const rnd = (n: number) => { seed = (seed + 0x6D2B79F5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return (((t ^ (t >>> 14)) >>> 0) % n); };
  const check = async (step: string) => {
    for (const o of owners) assert.deepEqual(await store.dav.usage(o), recount(o), `${step}: owner ${o}`);
  };

  for (let i = 0; i < 1500; i++) {
    const col = cols[rnd(cols.length)]!;
    const name = `n${rnd(8)}.ics`;
    const op = rnd(10);
    let step = `${i} op${op}`;
    try {
      if (op < 5) await store.dav.putObject(obj(col.id, name, rnd(3) === 0 ? 'shared-uid' : name, rnd(1000)), rnd(4) === 0 ? { etag: null } : undefined);
      else if (op < 7) await store.dav.deleteObject(col.id, name, T0);
      else if (op === 7) {
        // A rolled-back transaction: put then fail.
        await store.atomic(async (tx) => { await tx.dav.putObject(obj(col.id, name, name, 77)); throw new Error('rollback'); });
      } else if (op === 8 && rnd(4) === 0) {
        await store.dav.deleteCollection(col.id);
        cols.splice(cols.indexOf(col), 1);
        await mk(col.owner);
      } else if (op === 9 && rnd(10) === 0) {
        await store.dav.deleteForOwner(col.owner);
        for (const c of cols.filter((k) => k.owner === col.owner)) cols.splice(cols.indexOf(c), 1);
        await mk(col.owner);
      }
    } catch (err) {
      step += ` (${(err as Error).message})`;
    }
    await check(step);
  }
  counter.close();
  await store.close();
});
