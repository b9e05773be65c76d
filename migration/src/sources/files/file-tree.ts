// Shared by the file sources (mbox, Maildir, .eml, .ics, .vcf, CSV): paths
// as the checkpoint identity, a local "host" for the concurrency limits, and
// the walk over a directory tree in a stable order.
import { realpathSync, statSync, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SourceError, type SourceUser } from '../source.ts';

/** The file or directory a file source reads, resolved so "./x" and "/abs/x" are the same source. */
export function sourcePath(user: SourceUser): string {
  try {
    return realpathSync(resolve(user.identity));
  } catch {
    return resolve(user.identity);
  }
}

export function statOrFail(path: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    throw new SourceError('fatal', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Files below `dir` (relative paths, "/" separated), sorted, optionally filtered by name. */
export async function walk(dir: string, accept: (name: string) => boolean, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await walk(dir, accept, rel));
    else if (e.isFile() && accept(e.name)) out.push(rel);
  }
  return out;
}

/** Folder levels of a file's directory, relative to the source root. */
export function folderLevels(rel: string): string[] {
  const parts = rel.split('/');
  parts.pop();
  return parts;
}

/** File name without its extension. */
export function baseName(rel: string): string {
  const name = rel.split('/').pop()!;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
