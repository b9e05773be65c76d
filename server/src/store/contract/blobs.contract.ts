// BlobStore and BlobRefStore contract, plus the crash scenarios when the
// adapter provides hooks for them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { isStoaError } from '../../errors/catalogue.ts';
import { newId, useHarness, type StoreFactory } from './harness.ts';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function blobContract(factory: StoreFactory): void {
  describe('blobs', () => {
    const h = useHarness(factory, { before, after });

    it('stores a buffer under its SHA-256 with zero references, and reads it back', async () => {
      const s = h().store;
      const body = 'Subject: hi\r\n\r\nHello\r\n';
      const info = await s.blobs.put(Buffer.from(body));
      assert.deepEqual(info, { id: sha256(body), size: Buffer.byteLength(body) });
      assert.equal((await s.blobs.read(info.id)).toString(), body);
      assert.equal((await s.blobs.read(info)).toString(), body, 'readable through what put() returned');
      const st = await s.blobs.stat(info.id);
      assert.equal(st?.size, info.size);
      assert.equal(st?.refs, 0);
      assert.equal(typeof st?.createdAt, 'number');
      assert.equal(await s.blobs.stat(sha256('never stored')), null);
    });

    it('stores a stream and a Uint8Array, and stores identical content once', async () => {
      const s = h().store;
      const chunks = ['part one, ', 'part two, ', 'part three'];
      const a = await s.blobs.put(Readable.from(chunks.map((c) => Buffer.from(c))));
      const b = await s.blobs.put(new TextEncoder().encode(chunks.join('')));
      assert.deepEqual(a, b);
      assert.equal(await text(await s.blobs.open(a.id)), chunks.join(''));
      const empty = await s.blobs.put(Buffer.alloc(0));
      assert.deepEqual(empty, { id: sha256(''), size: 0 });
      assert.equal((await s.blobs.read(empty.id)).length, 0);
    });

    it('streams byte ranges', async () => {
      const s = h().store;
      const body = '0123456789abcdefghij';
      const { id } = await s.blobs.put(Buffer.from(body));
      assert.equal(await text(await s.blobs.open(id, { start: 5 })), body.slice(5));
      assert.equal(await text(await s.blobs.open(id, { start: 2, end: 7 })), '23456');
      assert.equal(await text(await s.blobs.open(id, { start: 15, end: 100 })), 'fghij');
      assert.equal(await text(await s.blobs.open(id, { start: 4, end: 4 })), '');
    });

    it('reports an unknown blob as not found', async () => {
      const s = h().store;
      await assert.rejects(s.blobs.open(sha256('unknown')), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await assert.rejects(s.blobs.read(sha256('unknown')), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await assert.rejects(s.blobs.open('../../etc/passwd'), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      await assert.rejects(s.blobRefs.ref(sha256('unknown')), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
    });

    it('counts references, inside transactions too, and rolls them back with the transaction', async () => {
      const s = h().store;
      const { id } = await s.blobs.put(Buffer.from(`refs ${newId()}`));
      assert.equal(await s.blobRefs.ref(id), 1);
      assert.equal(await s.blobRefs.ref(id, 3), 4);
      assert.equal(await s.atomic((tx) => tx.blobRefs.ref(id, -2)), 2);
      await assert.rejects(s.atomic(async (tx) => {
        await tx.blobRefs.ref(id, 5);
        throw new Error('abort');
      }));
      assert.equal((await s.blobs.stat(id))?.refs, 2);
      await assert.rejects(s.blobRefs.ref(id, -3));
      assert.equal((await s.blobs.stat(id))?.refs, 2);
    });

    it('writes content durably without recording it, and registers it with its references in the transaction', async () => {
      const s = h().store;
      const body = `written ${newId()}`;
      const info = await s.blobs.write(Buffer.from(body));
      // An adapter may hand small content back in `inline` (SQLite keeps it in the database).
      assert.deepEqual({ id: info.id, size: info.size }, { id: sha256(body), size: Buffer.byteLength(body) });
      assert.equal((await s.blobs.read(info)).toString(), body, 'readable through what write() returned');
      await assert.rejects(s.atomic(async (tx) => {
        await tx.blobRefs.register(info, 2);
        throw new Error('abort');
      }));
      assert.equal((await s.blobs.stat(info.id))?.refs ?? 0, 0, 'a rolled-back registration takes no reference');
      assert.equal(await s.atomic((tx) => tx.blobRefs.register(info, 2)), 2);
      assert.equal(await s.atomic((tx) => tx.blobRefs.register(info)), 2, 'registering again keeps the references');
      assert.equal(await s.blobRefs.register(info, 1), 3);
      assert.equal((await s.blobs.stat(info.id))?.refs, 3);
      assert.equal((await s.blobs.read(info.id)).toString(), body);
      await assert.rejects(s.blobRefs.register(info, -1), (e) => isStoaError(e, 'STOA_VALIDATION'));
    });

    it('registers and reads a body larger than any an adapter keeps in its database, whole and by range', async () => {
      const s = h().store;
      const body = Buffer.alloc(200 * 1024, `large ${newId()} `);
      const info = await s.blobs.write(body);
      assert.equal(info.inline, undefined);
      assert.deepEqual(await s.blobs.read(info), body, 'readable through what write() returned');
      assert.equal(await s.atomic((tx) => tx.blobRefs.register(info, 1)), 1);
      assert.deepEqual(await s.blobs.read(info.id), body);
      assert.deepEqual(await buffer(await s.blobs.open(info.id, { start: 100_000, end: 100_010 })), body.subarray(100_000, 100_010));
    });

    it('collects written content that was never registered once the grace period is over, and can store it again', async () => {
      const s = h().store;
      const body = `orphan ${newId()}`;
      const orphan = await s.blobs.write(Buffer.from(body));
      await s.blobs.gc(60_000);
      assert.equal((await s.blobs.read(orphan)).toString(), body, 'young orphans survive');
      await s.blobs.gc(1000, Date.now() + 5000);
      assert.equal(await s.blobs.stat(orphan.id), null);
      await assert.rejects(s.blobs.read(orphan.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      const again = await s.blobs.write(Buffer.from(body));
      assert.equal(await s.atomic((tx) => tx.blobRefs.register(again, 1)), 1);
      assert.equal((await s.blobs.read(again.id)).toString(), body);
    });

    it('collects only unreferenced blobs older than the grace period', async () => {
      const s = h().store;
      const kept = await s.blobs.put(Buffer.from(`kept ${newId()}`));
      await s.blobRefs.ref(kept.id);
      const young = await s.blobs.put(Buffer.from(`young ${newId()}`));
      const doomedBody = `doomed ${newId()}`;
      const doomed = await s.blobs.put(Buffer.from(doomedBody));
      await s.blobRefs.ref(doomed.id, 1);
      await s.blobRefs.ref(doomed.id, -1);
      assert.equal((await s.blobs.gc(60_000)).removed, 0, 'young blobs survive');
      const result = await s.blobs.gc(1000, Date.now() + 5000);
      assert.ok(result.removed >= 2);
      assert.ok(result.bytes >= young.size + doomed.size);
      assert.equal(await s.blobs.stat(doomed.id), null);
      assert.equal(await s.blobs.stat(young.id), null);
      await assert.rejects(s.blobs.read(doomed.id), (e) => isStoaError(e, 'STOA_NOT_FOUND'));
      assert.equal((await s.blobs.stat(kept.id))?.refs, 1);
      const again = await s.blobs.put(Buffer.from(doomedBody));
      assert.equal(again.id, doomed.id);
      assert.equal((await s.blobs.stat(again.id))?.refs, 0, 'a collected blob can be stored again');
      assert.equal((await s.blobs.read(again.id)).toString(), doomedBody);
    });
  });

  describe('crash safety', () => {
    const h = useHarness(factory, { before, after });

    it('a writer killed after the blob write but before its commit leaves an unreferenced blob that gc removes', { timeout: 30_000 }, async (t) => {
      const { spawnCrashingWriter, blobProblems, openSibling } = h();
      if (!spawnCrashingWriter || !openSibling) return t.skip('this adapter provides no crash hooks');
      const marker = `crash-${newId()}`;
      const { blobId } = await spawnCrashingWriter('before-commit', marker);
      assert.ok(blobId);
      const reopened = await openSibling();
      try {
        assert.equal((await reopened.audit.list({ offset: 0, limit: 10, sort: 'at', order: 'desc', scope: null, objectId: marker })).total, 0, 'the uncommitted metadata is gone');
        assert.equal((await reopened.blobs.stat(blobId))?.refs, 0, 'the orphan blob has no references');
        assert.deepEqual(await blobProblems?.() ?? [], []);
        await reopened.blobs.gc(0, Date.now() + 1000);
        assert.equal(await reopened.blobs.stat(blobId), null);
        assert.deepEqual(await blobProblems?.() ?? [], []);
      } finally {
        await reopened.close();
      }
    });

    it('a writer killed in the middle of a blob write leaves nothing under a final name, and gc clears the leftovers', { timeout: 30_000 }, async (t) => {
      const { spawnCrashingWriter, blobProblems, openSibling } = h();
      if (!spawnCrashingWriter || !openSibling) return t.skip('this adapter provides no crash hooks');
      await spawnCrashingWriter('mid-blob-write', `partial-${newId()}`);
      const reopened = await openSibling();
      try {
        const partial = sha256(Buffer.alloc(256 * 1024, 0x61));
        assert.equal(await reopened.blobs.stat(partial), null);
        assert.deepEqual(await blobProblems?.() ?? [], []);
        const result = await reopened.blobs.gc(0, Date.now() + 1000);
        assert.ok(result.removed >= 1, 'the interrupted write is cleaned up');
        assert.deepEqual(await blobProblems?.() ?? [], []);
      } finally {
        await reopened.close();
      }
    });
  });
}
