// Outlook PST and OST files (pst-extractor): the folders below the store's
// top, mail written as MIME from the item's properties (the original
// headers kept when Outlook stored them), appointments as iCalendar,
// contacts as vCard, tasks as VTODO. Items are keyed by their descriptor
// node id; one that cannot be read (a corrupt block) is reported alone.
import type { PSTFile, PSTMessage } from 'pst-extractor';
import type { CollectionKind, ItemRef, SourceFolder } from '../../model.ts';
import { MalformedError } from '../../groupware/objects.ts';
import { isDefaultCollectionName } from '../../engine/special-use-names.ts';
import { composeMime } from '../../mapi/mime-composer.ts';
import { sourcePath, statOrFail } from '../files/file-tree.ts';
import { SourceError, type FetchResult, type MigrationSource, type SourceSession, type SourceUser } from '../source.ts';
import { appointmentToICalendar, contactToVCard, taskToVTodo } from './pst-groupware.ts';
import { pstFlags, pstToOutlookMessage } from './pst-message.ts';
import { itemIds, loadItem, openPst, pstFolders, type PstFolderNode } from './pst-reader.ts';

function kindOf(containerClass: string): CollectionKind | null {
  if (containerClass === '' || containerClass === 'IPF.Note' || containerClass === 'IPF' || containerClass.startsWith('IPF.Note.') && containerClass !== 'IPF.Note.OutlookHomepage') return 'mail';
  if (containerClass === 'IPF.Appointment') return 'calendar';
  if (containerClass === 'IPF.Contact') return 'contacts';
  if (containerClass === 'IPF.Task') return 'tasks';
  return null;
}

export function pstSource(): MigrationSource {
  return {
    kind: 'pst',
    limitKey: (user) => `pst:${sourcePath(user)}`,
    identity: (user) => `pst:${sourcePath(user)}`,
    async open(user: SourceUser): Promise<SourceSession> {
      const path = sourcePath(user);
      statOrFail(path);
      let file: PSTFile;
      try {
        file = openPst(path);
      } catch (err) {
        throw new SourceError('fatal', `${path}: ${(err as Error).message}`, { cause: err });
      }
      const nodes = new Map<string, PstFolderNode>();
      return {
        async folders() {
          const { folders, internal } = pstFolders(file);
          // The default calendar, address book and task list: the top-level one with the usual name, else the first top-level one.
          const defaults = new Map<CollectionKind, string>();
          for (const pass of [true, false]) {
            for (const n of folders) {
              const kind = kindOf(n.containerClass);
              if (!kind || kind === 'mail' || n.path.length !== 1 || defaults.has(kind)) continue;
              if (!pass || isDefaultCollectionName(kind, n.path[0])) defaults.set(kind, n.nodeId);
            }
          }
          const out: SourceFolder[] = [];
          for (const n of folders) {
            nodes.set(n.nodeId, n);
            const kind = kindOf(n.containerClass);
            const isDefault = kind !== null && defaults.get(kind) === n.nodeId;
            out.push({
              key: n.nodeId, path: n.path, kind: kind ?? 'mail', specialUse: null, validity: 'pst', count: n.contentCount, isDefault,
              skipReason: kind === null ? `${n.containerClass} folders (notes, journal, settings …) are not imported` : null,
            });
          }
          for (const n of internal) out.push({ key: n.nodeId, path: ['(internal)', ...n.path], kind: 'mail', specialUse: null, validity: 'pst', count: n.contentCount, skipReason: 'an Outlook internal folder (search root, views), not user data' });
          return out;
        },
        async *items(folder) {
          const n = nodes.get(folder.key);
          if (!n) return;
          for (const id of itemIds(n.folder)) yield { key: id } satisfies ItemRef;
        },
        async *fetch(folder, refs): AsyncIterable<FetchResult> {
          for (const ref of refs) {
            let item: PSTMessage;
            try {
              item = loadItem(file, ref.key) as PSTMessage;
              if (!item) throw new MalformedError('the PST has no item under this id');
            } catch (err) {
              yield { ref, error: err as Error };
              continue;
            }
            try {
              const cls = item.messageClass ?? '';
              if (folder.kind === 'calendar' && cls.startsWith('IPM.Appointment')) {
                yield { ref, item: { kind: 'event', text: appointmentToICalendar(item as never, ref.key).ics } };
              } else if (folder.kind === 'contacts' && cls.startsWith('IPM.Contact')) {
                yield { ref, item: { kind: 'contact', text: contactToVCard(item as unknown as Record<string, unknown>, ref.key).vcf } };
              } else if (folder.kind === 'tasks' && cls.startsWith('IPM.Task')) {
                yield { ref, item: { kind: 'task', text: taskToVTodo(item as unknown as Record<string, unknown>, ref.key).ics } };
              } else if (folder.kind === 'contacts' && cls.startsWith('IPM.DistList')) {
                throw new MalformedError('contact groups (distribution lists) are not imported as vCards');
              } else if (folder.kind !== 'mail') {
                throw new MalformedError(`a ${cls || 'unknown'} item in a ${folder.kind} folder is not imported`);
              } else {
                // Build the Outlook message now: a corrupt attachment table fails this item, not the run.
                const message = pstToOutlookMessage(item);
                const date = item.messageDeliveryTime ?? item.clientSubmitTime ?? null;
                yield { ref, item: { kind: 'message', ...pstFlags(item), internalDate: date, body: () => composeMime(message, `pst:${ref.key}`) } };
              }
            } catch (err) {
              yield { ref, error: err instanceof MalformedError ? err : new MalformedError(`the item cannot be read from the PST: ${(err as Error).message}`) };
            }
          }
        },
        async close() {
          (file as unknown as { close?: () => void }).close?.();
        },
      };
    },
  };
}
