// A minimal ZIP writer for tests (PKWARE APPNOTE §4.3): local headers, data,
// central directory and end record, with switches to build hostile archives
// (lying sizes, encrypted flags, overlapping entries).
import { crc32, deflateRawSync } from 'node:zlib';

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
