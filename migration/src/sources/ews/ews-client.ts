// The EWS operations the importer uses (MS-OXWS*): GetFolder for the
// well-known folders, FindFolder (deep, paged) for the tree, FindItem
// (paged) with the properties that become IMAP flags, GetItem for MIME
// content and for calendar items, contacts and tasks with all their
// properties, and ExportItems for the full-fidelity stream of a message
// Exchange cannot convert to MIME.
import type { Readable } from 'node:stream';
import { child, childText, children, escapeXml, type XmlNode } from '../../xml/xml-tree.ts';
import { mimeContentStream } from './mime-stream.ts';
import { call, checkMessage, itemError, NS, responseMessages, send, type EwsConnection } from './soap.ts';
import type { SourceError } from '../source.ts';

export const WELL_KNOWN = ['msgfolderroot', 'inbox', 'sentitems', 'deleteditems', 'drafts', 'junkemail', 'outbox', 'calendar', 'contacts', 'tasks'] as const;
export type WellKnown = typeof WELL_KNOWN[number];

export interface EwsFolder {
  id: string;
  parentId: string | null;
  displayName: string;
  folderClass: string;
  totalCount: number | null;
}

export interface EwsItemSummary {
  id: string;
  itemClass: string;
  size: number | null;
  received: string | null;
  isRead: boolean;
  isDraft: boolean;
  flagged: boolean;
  categories: string[];
  /** PR_LAST_VERB_EXECUTED: 102/103 replied, 104 forwarded (MS-OXOMSG §2.2.1.43). */
  lastVerb: number | null;
}

const PAGE = 200;
const t = (node: XmlNode | null, name: string) => childText(node, NS.t, name);

export async function wellKnownFolders(conn: EwsConnection): Promise<Map<string, WellKnown>> {
  const root = await call(conn, `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${WELL_KNOWN.map((id) => `<t:DistinguishedFolderId Id="${id}"/>`).join('')}</m:FolderIds></m:GetFolder>`);
  const out = new Map<string, WellKnown>();
  responseMessages(root).forEach((message, i) => {
    // A mailbox without one of these (no junk folder) answers that one with an error: not a failure.
    if (message.attrs.ResponseClass === 'Error') {
      if (i === 0) checkMessage(message);
      return;
    }
    const folder = child(message, NS.m, 'Folders')?.children[0];
    const id = child(folder ?? null, NS.t, 'FolderId')?.attrs.Id;
    if (id) out.set(id, WELL_KNOWN[i]);
  });
  return out;
}

export async function findFolders(conn: EwsConnection): Promise<EwsFolder[]> {
  const out: EwsFolder[] = [];
  for (let offset = 0; ;) {
    const root = await call(conn, `<m:FindFolder Traversal="Deep"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>
<t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURI FieldURI="folder:FolderClass"/><t:FieldURI FieldURI="folder:ParentFolderId"/><t:FieldURI FieldURI="folder:TotalCount"/>
</t:AdditionalProperties></m:FolderShape><m:IndexedPageFolderView MaxEntriesReturned="1000" Offset="${offset}" BasePoint="Beginning"/>
<m:ParentFolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:ParentFolderIds></m:FindFolder>`);
    const [message] = responseMessages(root);
    if (!message) break;
    checkMessage(message);
    const rootFolder = child(message, NS.m, 'RootFolder');
    for (const f of child(rootFolder, NS.t, 'Folders')?.children ?? []) {
      const id = child(f, NS.t, 'FolderId')?.attrs.Id;
      if (!id) continue;
      const count = t(f, 'TotalCount');
      out.push({
        id, parentId: child(f, NS.t, 'ParentFolderId')?.attrs.Id ?? null, displayName: t(f, 'DisplayName') ?? '',
        folderClass: t(f, 'FolderClass') ?? (f.name === 'CalendarFolder' ? 'IPF.Appointment' : f.name === 'ContactsFolder' ? 'IPF.Contact' : f.name === 'TasksFolder' ? 'IPF.Task' : ''),
        totalCount: count === null ? null : Number(count),
      });
    }
    const page = child(rootFolder, NS.t, 'Folders')?.children.length ?? 0;
    if (page === 0 || rootFolder?.attrs.IncludesLastItemInRange !== 'false') break;
    const next = Number(rootFolder?.attrs.IndexedPagingOffset);
    offset = Number.isInteger(next) && next > offset ? next : offset + page;
  }
  return out;
}

function summary(item: XmlNode): EwsItemSummary | null {
  const id = child(item, NS.t, 'ItemId')?.attrs.Id;
  if (!id) return null;
  const flag = t(child(item, NS.t, 'Flag'), 'FlagStatus');
  const verb = children(item, NS.t, 'ExtendedProperty').find((p) => child(p, NS.t, 'ExtendedFieldURI')?.attrs.PropertyTag?.toLowerCase() === '0x1081');
  const size = t(item, 'Size');
  return {
    id, itemClass: t(item, 'ItemClass') ?? '', size: size === null ? null : Number(size), received: t(item, 'DateTimeReceived'),
    isRead: t(item, 'IsRead') === 'true', isDraft: t(item, 'IsDraft') === 'true', flagged: flag === 'Flagged',
    categories: children(child(item, NS.t, 'Categories'), NS.t, 'String').map((c) => c.text.trim()).filter(Boolean),
    lastVerb: verb ? Number(t(verb, 'Value')) : null,
  };
}

/** Every item of a folder, oldest first, page by page. */
export async function* findItems(conn: EwsConnection, folderId: string): AsyncIterable<EwsItemSummary> {
  for (let offset = 0; ;) {
    const root = await call(conn, `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>
<t:FieldURI FieldURI="item:ItemClass"/><t:FieldURI FieldURI="item:Size"/><t:FieldURI FieldURI="item:DateTimeReceived"/><t:FieldURI FieldURI="item:IsDraft"/>
<t:FieldURI FieldURI="item:Categories"/><t:FieldURI FieldURI="message:IsRead"/><t:FieldURI FieldURI="item:Flag"/>
<t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Integer"/>
</t:AdditionalProperties></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="${PAGE}" Offset="${offset}" BasePoint="Beginning"/>
<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>
<m:ParentFolderIds><t:FolderId Id="${escapeXml(folderId)}"/></m:ParentFolderIds></m:FindItem>`);
    const [message] = responseMessages(root);
    if (!message) return;
    checkMessage(message);
    const rootFolder = child(message, NS.m, 'RootFolder');
    const items = child(rootFolder, NS.t, 'Items')?.children ?? [];
    for (const item of items) {
      const s = summary(item);
      if (s) yield s;
    }
    if (items.length === 0 || rootFolder?.attrs.IncludesLastItemInRange !== 'false') return;
    // The server may return fewer than asked: continue where it says the next page starts.
    const next = Number(rootFolder?.attrs.IndexedPagingOffset);
    offset = Number.isInteger(next) && next > offset ? next : offset + items.length;
  }
}

/** MIME of several small items in one GetItem; each answer in the order asked. */
export async function getMime(conn: EwsConnection, ids: readonly string[]): Promise<Array<Buffer | SourceError>> {
  const root = await call(conn, `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:ItemIds>${ids.map((id) => `<t:ItemId Id="${escapeXml(id)}"/>`).join('')}</m:ItemIds></m:GetItem>`);
  return responseMessages(root).map((message) => {
    const err = itemError(message);
    if (err) return err;
    const item = child(message, NS.m, 'Items')?.children[0] ?? null;
    const mime = child(item, NS.t, 'MimeContent');
    return Buffer.from((mime?.text ?? '').replace(/\s+/g, ''), 'base64');
  });
}

/** MIME of one large item as a stream, decoded while the answer arrives. */
export async function getMimeStream(conn: EwsConnection, id: string): Promise<Readable> {
  const res = await send(conn, `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:ItemIds><t:ItemId Id="${escapeXml(id)}"/></m:ItemIds></m:GetItem>`);
  return mimeContentStream(res.body);
}

const FULL_SHAPE = `<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:BodyType>Text</t:BodyType><t:AdditionalProperties>
<t:FieldURI FieldURI="calendar:UID"/><t:FieldURI FieldURI="calendar:StartTimeZone"/><t:FieldURI FieldURI="calendar:Recurrence"/>
<t:FieldURI FieldURI="calendar:ModifiedOccurrences"/><t:FieldURI FieldURI="calendar:DeletedOccurrences"/><t:FieldURI FieldURI="item:Categories"/>
</t:AdditionalProperties></m:ItemShape>`;

const CONTACT_TASK_SHAPE = '<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:BodyType>Text</t:BodyType></m:ItemShape>';

/** Calendar items, contacts or tasks with every property the converters read. */
export async function getFullItems(conn: EwsConnection, ids: readonly string[], kind: 'calendar' | 'contact' | 'task'): Promise<Array<XmlNode | SourceError>> {
  const shape = kind === 'calendar' ? FULL_SHAPE : CONTACT_TASK_SHAPE;
  const root = await call(conn, `<m:GetItem>${shape}<m:ItemIds>${ids.map((id) => `<t:ItemId Id="${escapeXml(id)}"/>`).join('')}</m:ItemIds></m:GetItem>`);
  return responseMessages(root).map((message) => itemError(message) ?? child(message, NS.m, 'Items')?.children[0] ?? itemError({ ...message, attrs: { ResponseClass: 'Error' } })!);
}

/** The full-fidelity stream of items (MS-OXCFXICS fast transfer), base64 decoded; used when MIME conversion fails. */
export async function exportItems(conn: EwsConnection, ids: readonly string[]): Promise<Array<Buffer | SourceError>> {
  const root = await call(conn, `<m:ExportItems><m:ItemIds>${ids.map((id) => `<t:ItemId Id="${escapeXml(id)}"/>`).join('')}</m:ItemIds></m:ExportItems>`);
  return responseMessages(root).map((message) => itemError(message) ?? Buffer.from((childText(message, NS.m, 'Data') ?? '').replace(/\s+/g, ''), 'base64'));
}
