// Where each source folder goes in Stoa: the special-use folder it stands
// for (declared by the source, else recognised by its localized name), a
// name Stoa accepts (server/src/mail/mailbox-name.ts rules), the operator's
// --folder-map and --exclude choices, and no two source folders in one
// target by accident. Every renaming is reported with its reason.
import type { CollectionKind, SourceFolder, SpecialUse } from '../model.ts';
import { specialUseOfName } from './special-use-names.ts';

/** Stoa's names for special-use folders (server/src/mail/mailbox-service.ts DEFAULT_MAILBOXES). */
export const STOA_SPECIAL_NAMES: Readonly<Record<SpecialUse, string>> = {
  '\\Sent': 'Sent', '\\Drafts': 'Drafts', '\\Trash': 'Trash', '\\Junk': 'Junk', '\\Archive': 'Archive', '\\All': 'All Mail', '\\Flagged': 'Flagged',
};

/** Default collections: a source's main calendar, address book and task list fill these. */
export const DEFAULT_COLLECTIONS: Readonly<Record<Exclude<CollectionKind, 'mail'>, string>> = {
  calendar: 'Calendar', contacts: 'Contacts', tasks: 'Tasks',
};

const MAX_LEVEL_BYTES = 255;
const MAX_NAME_BYTES = 1000;

export interface FolderRule {
  /** Source path ("/" between levels); a trailing "/*" matches the folder and everything below it. */
  from: string;
  /** Target path, or null to leave the folder out. */
  to: string | null;
}

export interface FolderMapOptions {
  rules?: readonly FolderRule[];
  /** Prefix every non-special target path with this folder ("Imported/…"). */
  prefix?: string | null;
}

export interface MappedFolder {
  /** Target path ("/" between levels), or null when the folder is left out. */
  path: string | null;
  specialUse: SpecialUse | null;
  /** Why the folder is left out. */
  skip: string | null;
  /** Why the name differs from the source's, for the report. */
  notes: string[];
}

function truncateUtf8(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  let end = bytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/** Makes one level acceptable to Stoa; returns the level and what was changed. */
export function cleanLevel(level: string): { level: string; changes: string[] } {
  const changes: string[] = [];
  let out = level.normalize('NFC');
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(out)) {
    out = out.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/gu, '_');
    changes.push('control characters replaced by "_"');
  }
  if (out.includes('/')) {
    out = out.replace(/\//g, '_');
    changes.push('"/" inside a name replaced by "_" (it is Stoa\'s hierarchy delimiter)');
  }
  if (/[*%]/.test(out)) {
    out = out.replace(/[*%]/g, '_');
    changes.push('"*" and "%" replaced by "_" (reserved for IMAP LIST patterns)');
  }
  if (out.trim() !== out) {
    out = out.trim();
    changes.push('leading or trailing spaces removed');
  }
  if (out === '') {
    out = '_';
    changes.push('empty name replaced by "_"');
  }
  if (Buffer.byteLength(out) > MAX_LEVEL_BYTES) {
    out = truncateUtf8(out, MAX_LEVEL_BYTES).trimEnd();
    changes.push(`shortened to ${MAX_LEVEL_BYTES} octets`);
  }
  return { level: out, changes };
}

function matchRule(rules: readonly FolderRule[], sourcePath: string): { rule: FolderRule; rest: string } | null {
  for (const rule of rules) {
    if (rule.from.endsWith('/*')) {
      const base = rule.from.slice(0, -2);
      if (sourcePath === base) return { rule, rest: '' };
      if (sourcePath.startsWith(`${base}/`)) return { rule, rest: sourcePath.slice(base.length + 1) };
    } else if (rule.from === sourcePath) {
      return { rule, rest: '' };
    }
  }
  return null;
}

/** Parses "--folder-map FROM=TO" (TO empty: leave out). */
export function parseFolderRule(text: string): FolderRule {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new Error(`folder mapping "${text}" is not FROM=TO`);
  const to = text.slice(eq + 1).trim();
  return { from: text.slice(0, eq).trim(), to: to === '' ? null : to };
}

/** Maps the folders of one user; keeps the target names it handed out so two source folders never share one by accident. */
export class FolderMapper {
  readonly #options: FolderMapOptions;
  readonly #taken = new Map<string, string>();

  constructor(options: FolderMapOptions = {}) {
    this.#options = options;
  }

  map(folder: SourceFolder): MappedFolder {
    const notes: string[] = [];
    const sourcePath = folder.path.join('/');
    if (folder.skipReason) return { path: null, specialUse: null, skip: folder.skipReason, notes };
    const ruled = matchRule(this.#options.rules ?? [], sourcePath);
    if (ruled && ruled.rule.to === null) return { path: null, specialUse: null, skip: `left out by --folder-map ${ruled.rule.from}=`, notes };

    let specialUse: SpecialUse | null = folder.kind === 'mail' ? folder.specialUse : null;
    const levels = [...folder.path];
    const top = levels.length === 1 || (levels.length === 2 && levels[0].toUpperCase() === 'INBOX');
    if (folder.kind === 'mail' && specialUse === null && top && !ruled) specialUse = specialUseOfName(levels[levels.length - 1]);

    let target: string[];
    if (ruled) {
      target = [...ruled.rule.to!.split('/'), ...(ruled.rest ? ruled.rest.split('/') : [])];
    } else if (folder.kind === 'mail' && levels.length === 1 && levels[0].toUpperCase() === 'INBOX') {
      target = ['INBOX'];
    } else if (specialUse !== null && specialUse !== '\\All' && specialUse !== '\\Flagged') {
      target = [STOA_SPECIAL_NAMES[specialUse]];
    } else if (folder.kind !== 'mail' && folder.isDefault) {
      target = [DEFAULT_COLLECTIONS[folder.kind]];
    } else {
      target = [...(this.#options.prefix ? this.#options.prefix.split('/') : []), ...levels];
    }

    const cleaned = target.map((level) => {
      const { level: clean, changes } = cleanLevel(level);
      if (changes.length > 0) notes.push(`"${level}": ${changes.join('; ')}`);
      return clean;
    });
    if (cleaned[0].toUpperCase() === 'INBOX') cleaned[0] = 'INBOX';
    let path = cleaned.join('/');
    if (Buffer.byteLength(path) > MAX_NAME_BYTES) {
      path = truncateUtf8(path, MAX_NAME_BYTES).replace(/\/+$/, '');
      notes.push(`path shortened to ${MAX_NAME_BYTES} octets`);
    }
    // Two source folders may clean up to one name ("a*" and "a%"), or two "Sent" folders meet: the later one gets a suffix.
    const key = `${folder.kind}\u0000${path}`;
    const owner = this.#taken.get(key);
    if (owner !== undefined && owner !== folder.key) {
      if (specialUse !== null) {
        notes.push(`another source folder is already imported as ${STOA_SPECIAL_NAMES[specialUse]}; this one keeps its own name`);
        specialUse = null;
        path = cleaned.length === 1 && target !== levels ? levels.map((l) => cleanLevel(l).level).join('/') : path;
      }
      let n = 2;
      let candidate = path;
      while (this.#taken.has(`${folder.kind}\u0000${candidate}`)) candidate = `${path} (${n++})`;
      if (candidate !== path) notes.push(`renamed to "${candidate}": another source folder maps to "${path}"`);
      path = candidate;
    }
    this.#taken.set(`${folder.kind}\u0000${path}`, folder.key);
    return { path, specialUse, skip: null, notes };
  }
}
