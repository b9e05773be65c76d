import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeZip } from '../../../test/support/zip-writer.ts';
import { extractEntry, readZipDirectory, type ZipLimits } from './zip-reader.ts';

const LIMITS: ZipLimits = { maxEntries: 100, maxUncompressedBytes: 50 * 1024 * 1024, maxRatio: 1000 };

describe('ZIP central-directory reader', () => {
  const plain = makeZip([{ name: 'readme.txt', data: Buffer.from('hello world') }, { name: 'tool.exe', data: Buffer.from('MZ'.padEnd(100, '\0')), store: true }]);

  it('lists names, sizes and methods without inflating, and extracts an entry within its limit', () => {
    const listing = readZipDirectory(plain, LIMITS);
    assert.ok(listing.ok);
    assert.deepEqual(listing.entries.map((e) => [e.name, e.uncompressedSize, e.method, e.encrypted]), [['readme.txt', 11, 8, false], ['tool.exe', 100, 0, false]]);
    assert.equal(extractEntry(plain, listing.entries[0], 1000)?.toString(), 'hello world');
    assert.equal(extractEntry(plain, listing.entries[0], 5), null, 'over the caller limit: not inflated');
  });

  const bomb = makeZip([{ name: 'zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) }]);
  const table: Array<[string, Buffer, ZipLimits, string]> = [
    ['not a ZIP at all', Buffer.from('plain text, no signature here at all'), LIMITS, 'not-zip'],
    ['truncated before the end record', plain.subarray(0, plain.length - 10), LIMITS, 'malformed'],
    ['central directory cut short', Buffer.concat([plain.subarray(0, plain.length - 22 - 20), plain.subarray(plain.length - 22)]), LIMITS, 'malformed'],
    ['more entries than allowed', makeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }))), { ...LIMITS, maxEntries: 4 }, 'too-many-entries'],
    ['a 20 MiB entry of zeros (ratio over 1000)', bomb, LIMITS, 'ratio'],
    ['declared total over the limit', makeZip([{ name: 'a', data: Buffer.from('x'), declaredSize: 60 * 1024 * 1024 }]), LIMITS, 'too-large'],
    ['overlapping entries (Fifield\'s construction)', makeZip([{ name: 'a.txt', data: Buffer.from('aaaa') }, { name: 'b.txt', data: Buffer.from('bbbb') }], { overlapSecond: true }), LIMITS, 'overlap'],
  ];
  for (const [name, input, limits, problem] of table) {
    it(`refuses ${name} as ${problem}`, () => {
      const listing = readZipDirectory(input, limits);
      assert.equal(listing.ok, false);
      if (!listing.ok) assert.equal(listing.problem, problem, listing.detail);
    });
  }

  it('never inflates past the declared size, even when the data is bigger (lying header)', () => {
    const liar = makeZip([{ name: 'big.txt', data: Buffer.alloc(100_000, 0x61), declaredSize: 100 }]);
    const listing = readZipDirectory(liar, LIMITS);
    assert.ok(listing.ok);
    assert.equal(extractEntry(liar, listing.entries[0], 1_000_000), null);
  });

  it('flags encrypted entries and does not try to read them', () => {
    const z = makeZip([{ name: 'secret.exe', data: Buffer.from('x'), encrypted: true, store: true }]);
    const listing = readZipDirectory(z, LIMITS);
    assert.ok(listing.ok);
    assert.equal(listing.entries[0].encrypted, true);
    assert.equal(extractEntry(z, listing.entries[0], 100), null);
  });

  it('survives random garbage after a ZIP signature without throwing', () => {
    for (let seed = 1; seed < 200; seed++) {
      const junk = Buffer.alloc(64 + seed, seed * 37);
      junk.writeUInt32LE(0x04034b50, 0);
      junk.writeUInt32LE(0x06054b50, junk.length - 22);
      junk.writeUInt16LE(seed, junk.length - 12);
      assert.doesNotThrow(() => readZipDirectory(junk, LIMITS));
    }
  });
});
