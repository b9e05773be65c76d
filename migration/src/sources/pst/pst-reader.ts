// Reading Outlook PST/OST files through pst-extractor, item by item: its
// own folder cursor silently drops an item it cannot read (a corrupt block
// is logged to the console and skipped), so the importer walks the folder's
// contents table itself and loads each item on its own, turning a corrupt
// item into a per-item error the report shows (issue 15 "Bad input").
import Long from 'long';
import { PSTFile, PSTFolder } from 'pst-extractor';
// Not re-exported by the package index; the one way to load an item by its descriptor id.
import { PSTUtil } from 'pst-extractor/dist/PSTUtil.class.js';
import { MalformedError } from '../../groupware/objects.ts';

/** What pst-extractor keeps private but we need: the contents table and the descriptor lookup. */
interface FolderInternals {
  initEmailsTable(): void;
  emailsTable: { getItems(start: number, count: number): Array<Map<number, { entryValueReference: number; itemIndex: number }>> } | null;
  fallbackEmailsTable: Array<{ descriptorIdentifier: number }> | null;
}

interface FileInternals {
  getDescriptorIndexNode(id: Long): unknown;
}

export interface PstFolderNode {
  folder: PSTFolder;
  /** Display names from the top of the store down. */
  path: string[];
  containerClass: string;
  nodeId: string;
  contentCount: number;
}

/** The top of the user's folders (PST "Top of Personal Folders", OST "IPM_SUBTREE"): what is below is imported. */
const IPM_TOP = /^(top of personal folders|top of outlook data file|top of information store|oberste ebene der persönlichen ordner|début des dossiers personnels|ipm_subtree)$/i;
/** A store root above the IPM subtree (OST files): walked, but its other children are Outlook's own. */
const STORE_ROOT = /^(root - mailbox|root - public)$/i;

export function openPst(path: string): PSTFile {
  try {
    return new PSTFile(path);
  } catch (err) {
    throw new MalformedError(`not a readable PST/OST file: ${(err as Error).message}`);
  }
}

/** Every folder below the IPM subtree, parents first; others (search roots, internal views) are reported as left out. */
export function pstFolders(file: PSTFile): { folders: PstFolderNode[]; internal: PstFolderNode[] } {
  const folders: PstFolderNode[] = [];
  const internal: PstFolderNode[] = [];
  const walk = (folder: PSTFolder, path: string[], inside: boolean) => {
    let subs: PSTFolder[];
    try {
      subs = folder.hasSubfolders ? folder.getSubFolders() : [];
    } catch (err) {
      throw new MalformedError(`the folder list of ${path.join('/') || 'the root'} cannot be read: ${(err as Error).message}`);
    }
    for (const sub of subs) {
      const name = sub.displayName || '(unnamed)';
      const node: PstFolderNode = {
        folder: sub, path: [...path, name], containerClass: sub.containerClass ?? '', nodeId: sub.descriptorNodeId.toString(), contentCount: sub.contentCount,
      };
      if (IPM_TOP.test(name)) {
        walk(sub, path, true);
        continue;
      }
      if (STORE_ROOT.test(name) && !inside) {
        walk(sub, path, false);
        continue;
      }
      (inside ? folders : internal).push(node);
      walk(sub, node.path, inside);
    }
  };
  walk(file.getRootFolder(), [], false);
  // A PST whose user folders hang directly below the root (some exports) has no "Top of …" level.
  if (folders.length === 0) return { folders: internal, internal: [] };
  return { folders, internal };
}

/** The descriptor ids of a folder's items, in the contents table's order, without loading them. */
export function itemIds(folder: PSTFolder): string[] {
  const f = folder as unknown as FolderInternals;
  f.initEmailsTable();
  const out: string[] = [];
  if (f.emailsTable) {
    for (let i = 0; i < folder.contentCount; i++) {
      const row = f.emailsTable.getItems(i, 1)[0]?.get(0x67f2);
      if (!row || row.itemIndex === -1) break;
      out.push(String(row.entryValueReference));
    }
  } else if (f.fallbackEmailsTable) {
    for (const node of f.fallbackEmailsTable) out.push(String(node.descriptorIdentifier));
  }
  return out;
}

/** Loads one item; a corrupt one is a MalformedError naming what failed. */
export function loadItem(file: PSTFile, id: string): unknown {
  try {
    const node = (file as unknown as FileInternals).getDescriptorIndexNode(Long.fromString(id));
    return PSTUtil.detectAndLoadPSTObject(file, node as never);
  } catch (err) {
    throw new MalformedError(`the item cannot be read from the PST (corrupt or unsupported block): ${(err as Error).message}`);
  }
}
