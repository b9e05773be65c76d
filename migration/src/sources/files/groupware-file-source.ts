// .ics, .vcf and Outlook CSV files: a file, or a directory of them, each
// file one calendar, task list or address book named after the file (a
// single file fills the default one). A calendar file with both events and
// tasks becomes a calendar and a task list. Objects are split per UID
// (groupware/objects.ts) and keyed by UID; what cannot be read is reported
// per object.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectionKind, ItemRef, SourceFolder } from '../../model.ts';
import { parseCsv, parseCsvRecords } from '../../engine/csv.ts';
import { splitCalendar, splitVCards, MalformedError, type Split } from '../../groupware/objects.ts';
import { isOutlookHeader, outlookRowToVCard } from '../../groupware/outlook-csv.ts';
import { SourceError, type FetchResult, type MigrationSource, type SourceKind, type SourceSession, type SourceUser } from '../source.ts';
import { baseName, sourcePath, statOrFail, walk } from './file-tree.ts';

/** Largest calendar or contacts file read (it is split in memory). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

type Entry = { key: string; text: string } | { key: string; error: Error };

interface Parsed { kind: CollectionKind; entries: Entry[] }

const EXTENSIONS: Record<'ics' | 'vcf' | 'csv', RegExp> = { ics: /\.(ics|ical|ifb)$/i, vcf: /\.(vcf|vcard)$/i, csv: /\.csv$/i };
const DEFAULT_NAMES = /^(calendar|kalender|calendrier|contacts|kontakte|addressbook|address book|tasks|aufgaben|tâches|default)$/i;

function entriesOf<T extends { uid: string }>(split: Split<T>, text: (o: T) => string): Entry[] {
  return split.map((s, i) => ('object' in s ? { key: s.object.uid, text: text(s.object) } : { key: `#${i + 1} ${s.label}`, error: s.error }));
}

async function parseFile(kind: 'ics' | 'vcf' | 'csv', file: string, rel: string): Promise<Parsed[]> {
  const size = (await stat(file)).size;
  if (size > MAX_FILE_BYTES) throw new SourceError('fatal', `${rel} is larger than ${MAX_FILE_BYTES} bytes`);
  const text = await readFile(file, 'utf8');
  if (kind === 'vcf') return [{ kind: 'contacts', entries: entriesOf(splitVCards(text, rel), (o) => o.text) }];
  if (kind === 'csv') {
    const rows = parseCsv(text);
    if (rows.length === 0 || !isOutlookHeader(rows[0].fields)) {
      return [{ kind: 'contacts', entries: [{ key: rel, error: new MalformedError('not an Outlook contacts export: no name and e-mail or phone columns') }] }];
    }
    const entries: Entry[] = [];
    const seen = new Set<string>();
    for (const { line, record } of parseCsvRecords(text)) {
      const card = outlookRowToVCard(record);
      if (!card) {
        entries.push({ key: `line ${line}`, error: new MalformedError(`line ${line}: no name, company or e-mail address`) });
      } else if (!seen.has(card.uid)) {
        seen.add(card.uid);
        entries.push({ key: card.uid, text: card.vcf });
      }
    }
    return [{ kind: 'contacts', entries }];
  }
  const split = splitCalendar(text, rel);
  const events = split.filter((s) => !('object' in s) || s.object.kind === 'event');
  const tasks = split.filter((s) => 'object' in s && s.object.kind === 'task');
  const out: Parsed[] = [];
  if (events.length > 0 || tasks.length === 0) out.push({ kind: 'calendar', entries: entriesOf(events, (o) => o.text) });
  if (tasks.length > 0) out.push({ kind: 'tasks', entries: entriesOf(tasks, (o) => o.text) });
  return out;
}

function groupwareFileSource(kind: 'ics' | 'vcf' | 'csv'): MigrationSource {
  return {
    kind: kind as SourceKind,
    limitKey: () => 'local-files',
    identity: (user) => `${kind}:${sourcePath(user)}`,
    async open(user: SourceUser): Promise<SourceSession> {
      const root = sourcePath(user);
      const single = !statOrFail(root).isDirectory();
      const files = single ? [{ rel: root.split('/').pop() ?? root, file: root }] : (await walk(root, (n) => EXTENSIONS[kind].test(n))).map((rel) => ({ rel, file: join(root, rel) }));
      const parsed = new Map<string, Parsed>();
      const folders: SourceFolder[] = [];
      for (const f of files) {
        for (const p of await parseFile(kind, f.file, f.rel)) {
          const key = `${f.rel}#${p.kind}`;
          parsed.set(key, p);
          const name = baseName(f.rel);
          const isDefault = single || DEFAULT_NAMES.test(name);
          folders.push({
            key, kind: p.kind, specialUse: null, validity: kind, count: p.entries.length, isDefault,
            path: [...f.rel.split('/').slice(0, -1), p.kind === 'tasks' && !isDefault ? `${name} (tasks)` : name],
          });
        }
      }
      return {
        folders: async () => folders,
        async *items(folder) {
          for (const e of parsed.get(folder.key)?.entries ?? []) yield { key: e.key } satisfies ItemRef;
        },
        async *fetch(folder, refs): AsyncIterable<FetchResult> {
          const p = parsed.get(folder.key)!;
          const byKey = new Map(p.entries.map((e) => [e.key, e]));
          for (const ref of refs) {
            const e = byKey.get(ref.key);
            if (!e) yield { ref, error: new Error('no longer in the file') };
            else if ('error' in e) yield { ref, error: e.error };
            else yield { ref, item: { kind: p.kind === 'contacts' ? 'contact' : p.kind === 'tasks' ? 'task' : 'event', text: e.text } };
          }
        },
        async close() {
          parsed.clear();
        },
      };
    },
  };
}

export const icsSource = (): MigrationSource => groupwareFileSource('ics');
export const vcfSource = (): MigrationSource => groupwareFileSource('vcf');
export const outlookCsvSource = (): MigrationSource => groupwareFileSource('csv');
