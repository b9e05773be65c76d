import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32, deflateRawSync } from 'node:zlib';
import { extractEntry, readZipDirectory, type ZipLimits } from './zip-reader.ts';

const LIMITS: ZipLimits = { maxEntries: 100, maxUncompressedBytes: 50 * 1024 * 1024, maxRatio: 1000 };

export interface ZipFile { name: string; data: Buffer; store?: boolean; encrypted?: boolean; declaredSize?: number }

/** A minimal ZIP writer (APPNOTE §4.3): local headers, data, central directory, end record. */
export function makeZip(files: ZipFile[], options: { overlapSecond?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const offsets: number[] = [];
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const body = f.store ? f.data : deflateRawSync(f.data);
    const flags = (f.encrypted ? 1 : 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(f.store ? 0 : 8, 8);
    local.writeUInt32LE(crc32(f.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.declaredSize ?? f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    offsets.push(offset);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(f.store ? 0 : 8, 10);
    central.writeUInt32LE(crc32(f.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.declaredSize ?? f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // The overlapping-file bomb: the second entry points back at the first one's header.
    central.writeUInt32LE(options.overlapSecond && offsets.length === 2 ? offsets[0] : offset, 42);
    centrals.push(Buffer.concat([central, name]));
    locals.push(local, name, body);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

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
