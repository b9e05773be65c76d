// Checks a filesystem blob store against its SQLite metadata: every file
// under a final name holds exactly the content its name promises, and every
// metadata row has its file, or its bytes in the database (blob_data), which
// hold the content their id promises. Used after simulated crashes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export function fsBlobProblems(dbPath: string, blobsRoot: string): string[] {
  const problems: string[] = [];
  const fanout = /^[0-9a-f]{2}$/;
  for (const l1 of readdirSync(blobsRoot).filter((n) => fanout.test(n))) {
    for (const l2 of readdirSync(join(blobsRoot, l1)).filter((n) => fanout.test(n))) {
      for (const name of readdirSync(join(blobsRoot, l1, l2))) {
        const data = readFileSync(join(blobsRoot, l1, l2, name));
        if (createHash('sha256').update(data).digest('hex') !== name) problems.push(`file ${name} does not hold its content`);
        if (!name.startsWith(l1 + l2)) problems.push(`file ${name} is in the wrong directory ${l1}/${l2}`);
      }
    }
  }
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    for (const row of db.prepare('SELECT b.id, b.size, d.data FROM blobs b LEFT JOIN blob_data d ON d.id = b.id').all()) {
      const id = String(row.id);
      if (row.data !== null) {
        const data = row.data as Uint8Array;
        if (createHash('sha256').update(data).digest('hex') !== id) problems.push(`stored bytes of ${id} do not hold its content`);
        if (data.byteLength !== Number(row.size)) problems.push(`blob ${id} has ${data.byteLength} stored bytes, metadata says ${String(row.size)}`);
        continue;
      }
      const info = statSync(join(blobsRoot, id.slice(0, 2), id.slice(2, 4), id), { throwIfNoEntry: false });
      if (!info) problems.push(`metadata row ${id} has no file`);
      else if (info.size !== Number(row.size)) problems.push(`blob ${id} has size ${info.size}, metadata says ${String(row.size)}`);
    }
    for (const row of db.prepare('SELECT id FROM blob_data WHERE id NOT IN (SELECT id FROM blobs)').all()) {
      problems.push(`stored bytes of ${String(row.id)} have no metadata row`);
    }
  } finally {
    db.close();
  }
  return problems;
}
