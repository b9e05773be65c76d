// The ImportSink over Stoa's services, for one acting principal (the CLI's,
// or the admin who submitted an API job): mail through the server's import
// service (services.migrations.importer), which checks that the principal may
// import into the account and stores each message through the intake with
// origin 'import' (one blob fsynced, one transaction with the quota check,
// MIME index and change event, the bytes kept as they are; intake/api.ts
// lists what that origin skips); calendars and contacts through the groupware
// targets of groupware-targets.ts.
import { Readable } from 'node:stream';
import type { Actor } from '../../../server/src/directory/api.ts';
import type { MessageSource } from '../../../server/src/intake/api.ts';
import { importUid, type ImportService } from '../../../server/src/migration-jobs/import-service.ts';
import type { CollectionKind, ItemKind, SpecialUse } from '../model.ts';
import type { CalendarImportTarget, ContactsImportTarget } from './groupware-targets.ts';
import type { ExistingMessage, ImportMessage, ImportObject, ImportSink, ImportedMessage, TargetAccount, TargetFolder } from './import-sink.ts';

export interface ServicesSinkDeps {
  importer: ImportService;
  /** Who imports: every call is checked against their rights. */
  actor: Actor;
  calendars?: CalendarImportTarget | null;
  contacts?: ContactsImportTarget | null;
}

/** Messages listed per page when reading what a target folder holds. */
const PAGE = 1000;
/** Messages of one batch being stored at once (each fsyncs its body; group commit shares the commits). */
const APPENDS_IN_FLIGHT = 32;

/** A DAV collection name from a folder path: lower case, letters, digits and "-" (RFC 3986 unreserved). */
export function collectionName(path: string): string {
  const slug = path.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
  return slug === '' ? 'imported' : slug;
}

function asStream(body: Buffer | Readable): Readable {
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

async function collect(stream: Readable, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  stream.destroy();
  const all = Buffer.concat(chunks);
  return limit === Infinity ? all : all.subarray(0, limit);
}

/**
 * The intake's view of a message the engine spooled: the head it kept, and a
 * fresh Buffer or file stream each time the bytes are wanted, so a large
 * message is never held whole.
 */
export function importSource(m: ImportMessage): MessageSource {
  return {
    size: m.size,
    async head(n) {
      if (n <= m.head.length || m.head.length >= m.size) return m.head.subarray(0, n);
      return collect(asStream(m.open()), n);
    },
    stream: () => asStream(m.open()),
    buffer: async () => {
      const body = m.open();
      return Buffer.isBuffer(body) ? body : collect(body);
    },
    content(prefix) {
      const body = m.open();
      if (prefix.length === 0) return body;
      if (Buffer.isBuffer(body)) return Buffer.concat([prefix, body]);
      return Readable.from((async function* () {
        yield prefix;
        yield* body as AsyncIterable<Buffer>;
      })());
    },
  };
}

function groupwareUnavailable(kind: string): Error {
  return new Error(`no ${kind} service is connected to the importer in this build`);
}

export function createServicesSink(deps: ServicesSinkDeps): ImportSink {
  const { importer, actor } = deps;
  const calendars = deps.calendars ?? null;
  const contacts = deps.contacts ?? null;
  const accepts = new Set<ItemKind>(['message']);
  if (calendars) accepts.add('event').add('task');
  if (contacts) accepts.add('contact');

  async function mailFolder(account: TargetAccount, path: string, specialUse: SpecialUse | null, create: boolean): Promise<TargetFolder | null> {
    const folder = await importer.mailFolder(actor, account.id, path, { specialUse, create });
    return folder ? { id: folder.id, path: folder.name, kind: 'mail', specialUse: folder.specialUse, created: folder.created } : null;
  }

  async function groupwareFolder(account: TargetAccount, path: string, kind: CollectionKind, create: boolean): Promise<TargetFolder | null> {
    const name = collectionName(path);
    const displayName = path.split('/').join(' / ');
    if (kind === 'contacts') {
      if (!contacts) throw groupwareUnavailable('contacts');
      if (!create) {
        const found = await contacts.findAddressBook(account, name);
        return found ? { id: found.id, path: name, kind, specialUse: null, created: false } : null;
      }
      const book = await contacts.ensureAddressBook(account, name, { displayName });
      return { id: book.id, path: name, kind, specialUse: null, created: book.created };
    }
    if (!calendars) throw groupwareUnavailable('calendar');
    if (!create) {
      const found = await calendars.findCalendar(account, name);
      return found ? { id: found.id, path: name, kind, specialUse: null, created: false } : null;
    }
    // A calendar takes events and the tasks that live beside them (as most CalDAV servers' calendars do); a task list only tasks.
    const cal = await calendars.ensureCalendar(account, name, { displayName, components: kind === 'tasks' ? ['VTODO'] : ['VEVENT', 'VTODO'] });
    return { id: cal.id, path: name, kind, specialUse: null, created: cal.created };
  }

  const sink: ImportSink = {
    accepts,

    async ensureFolder(account, path, kind, specialUse) {
      return kind === 'mail' ? (await mailFolder(account, path, specialUse, true))! : (await groupwareFolder(account, path, kind, true))!;
    },

    findFolder(account, path, kind, specialUse) {
      return kind === 'mail' ? mailFolder(account, path, specialUse, false) : groupwareFolder(account, path, kind, false);
    },

    async *existingMessages(account, folder) {
      let afterUid = 0;
      for (;;) {
        const page = await importer.contents(actor, folder.id, { afterUid, limit: PAGE });
        if (page.items.length > 0) yield page.items.map((i): ExistingMessage => ({ messageId: i.messageId, sha256: i.sha256 }));
        if (page.nextUid === null) return;
        afterUid = page.nextUid;
      }
    },

    async importMessage(account, folder, message) {
      return importer.importMessage(actor, folder.id, {
        source: importSource(message), flags: [...message.flags, ...message.keywords], internalDate: message.internalDate?.toISOString() ?? null,
      });
    },

    async importMessages(account, folder, batch) {
      // One message at a time through the intake, several in flight: each
      // writes and fsyncs its own body, and the store's group commit shares
      // the commits between them.
      const out: Array<ImportedMessage | { error: Error }> = new Array(batch.length);
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const i = next++;
          try {
            out[i] = await sink.importMessage(account, folder, batch[i]);
          } catch (err) {
            out[i] = { error: err instanceof Error ? err : new Error(String(err)) };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(APPENDS_IN_FLIGHT, batch.length) }, worker));
      return out;
    },

    async readMessage(account, folder, imported) {
      return (await importer.read(actor, folder.id, imported.uid)) ?? Readable.from([]);
    },

    objectIdentity: (kind, uid) => importUid(kind === 'contact' ? 'addressbook' : 'calendar', uid),

    async *existingObjects(account, folder) {
      if (folder.kind === 'contacts') {
        if (!contacts) throw groupwareUnavailable('contacts');
        yield* contacts.uids(account, folder.id);
        return;
      }
      if (!calendars) throw groupwareUnavailable('calendar');
      yield* calendars.uids(account, folder.id);
    },

    async importCalendarObject(account, calendar, object: ImportObject) {
      if (!calendars) throw groupwareUnavailable('calendar');
      await calendars.putObject(account, calendar.id, { uid: object.uid, ics: object.text });
    },

    async importContact(account, book, object: ImportObject) {
      if (!contacts) throw groupwareUnavailable('contacts');
      await contacts.putCard(account, book.id, { uid: object.uid, vcf: object.text });
    },

    async readObject(account, folder, uid) {
      if (folder.kind === 'contacts') return contacts ? contacts.getCard(account, folder.id, uid) : null;
      return calendars ? calendars.getObject(account, folder.id, uid) : null;
    },
  };
  return sink;
}
