// The ImportSink over Stoa's services: mail through MailboxService and
// MessageService (APPEND with flags and INTERNALDATE: blob first, then one
// transaction with the quota check, MIME index and change event, exactly as
// IMAP APPEND), calendars and contacts through the groupware targets of
// groupware-targets.ts once they are connected.
//
// INTEGRATION (issue 7 / intake): today MessageService.append takes no
// actor; when the mail services gain `actor` as first parameter, pass
// `this.actor` (the CLI's or the job creator's). If the intake service grows
// an "import" origin that files into a named folder with flags, importMessages
// is the one place to switch to it.
import { Readable } from 'node:stream';
import type { AppendInput, MailboxService, MessageService } from '../../../server/src/mail/api.ts';
import type { CollectionKind, ItemKind, SpecialUse } from '../model.ts';
import type { CalendarImportTarget, ContactsImportTarget } from './groupware-targets.ts';
import type { ExistingMessage, ImportMessage, ImportObject, ImportSink, ImportedMessage, TargetAccount, TargetFolder } from './import-sink.ts';

export interface ServicesSinkDeps {
  mailboxes: MailboxService;
  messages: MessageService;
  /** Connected by the lead when the calendar service lands (groupware-targets.ts). */
  calendars?: CalendarImportTarget | null;
  /** Connected by the lead when the contacts service lands. */
  contacts?: ContactsImportTarget | null;
}

/** UIDs read per page when listing what a target folder holds. */
const PAGE = 1000;
/** Messages of one batch being stored at once (each fsyncs its body; group commit shares the commits). */
const APPENDS_IN_FLIGHT = 32;

/** A DAV collection name from a folder path: lower case, letters, digits and "-" (RFC 3986 unreserved). */
export function collectionName(path: string): string {
  const slug = path.normalize('NFC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
  return slug === '' ? 'imported' : slug;
}

function toAppend(m: ImportMessage): AppendInput {
  return {
    source: m.source,
    flags: [...m.flags, ...m.keywords],
    ...(m.internalDate ? { internalDate: m.internalDate.toISOString() } : {}),
  };
}

function groupwareUnavailable(kind: string): Error {
  return new Error(`no ${kind} service is connected to the importer in this build`);
}

export function createServicesSink(deps: ServicesSinkDeps): ImportSink {
  const { mailboxes, messages } = deps;
  const calendars = deps.calendars ?? null;
  const contacts = deps.contacts ?? null;
  const accepts = new Set<ItemKind>(['message']);
  if (calendars) accepts.add('event').add('task');
  if (contacts) accepts.add('contact');
  /** Accounts whose default mailboxes exist: imports fill Stoa's own Sent, Drafts … rather than creating copies. */
  const prepared = new Set<string>();

  async function mailFolder(account: TargetAccount, path: string, specialUse: SpecialUse | null, create: boolean): Promise<TargetFolder | null> {
    if (create && !prepared.has(account.id)) {
      await mailboxes.ensureDefaultMailboxes(account.id);
      prepared.add(account.id);
    }
    const all = await mailboxes.list(account.id);
    const bySpecialUse = specialUse ? all.find((m) => m.specialUse === specialUse) : undefined;
    const found = bySpecialUse ?? (await mailboxes.find(account.id, path));
    if (found) return { id: found.id, path: found.name, kind: 'mail', specialUse: found.specialUse, created: false };
    if (!create) return null;
    try {
      const made = await mailboxes.create(account.id, path, { specialUse, subscribe: true });
      return { id: made.id, path: made.name, kind: 'mail', specialUse: made.specialUse, created: true };
    } catch (err) {
      // Another worker of this run created it first.
      const again = await mailboxes.find(account.id, path);
      if (again) return { id: again.id, path: again.name, kind: 'mail', specialUse: again.specialUse, created: false };
      throw err;
    }
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
      const { uids } = await messages.list(folder.id);
      for (let i = 0; i < uids.length; i += PAGE) {
        const lo = uids[i];
        const hi = uids[Math.min(i + PAGE, uids.length) - 1];
        const page = await messages.summaries(folder.id, [[lo, hi]]);
        // blobId is the SHA-256 of the stored bytes (store/blobs: content addressed).
        yield page.map((s): ExistingMessage => ({ messageId: s.headers.messageId, sha256: s.blobId }));
      }
    },

    async importMessage(account, folder, message) {
      const result = await messages.append(folder.id, toAppend(message));
      return { uid: result.uids[0] };
    },

    async importMessages(account, folder, batch) {
      // One APPEND per message, several in flight: each writes and fsyncs its
      // own body, and the store's group commit shares the commits between
      // them (appendMany would write the bodies one after another).
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
      const [record] = await messages.fetch(folder.id, [[imported.uid, imported.uid]]);
      if (!record) return Readable.from([]);
      return messages.open(record.blobId);
    },

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
