// In-memory calendar and contacts targets that record what the importer
// stores. They stand in for the calendar and contacts services until those
// exist (groupware-targets.ts), so the adapters and every groupware source
// are tested end to end; they behave like a DAV PUT with If-None-Match: *
// (one UID per resource, an existing UID is refused).
import type { CalendarImportTarget, CalendarComponent, ContactsImportTarget } from './groupware-targets.ts';
import type { TargetAccount } from './import-sink.ts';

export interface RecordedCollection {
  id: string;
  account: string;
  name: string;
  displayName: string;
  components: readonly CalendarComponent[];
  /** UID → stored text, in the order stored. */
  objects: Map<string, string>;
}

export interface RecordingTargets {
  calendars: CalendarImportTarget;
  contacts: ContactsImportTarget;
  /** Every collection made, by id. */
  collections: Map<string, RecordedCollection>;
  /** Collection by account address and name. */
  collection(address: string, name: string): RecordedCollection | undefined;
  /** Stores attempted, including refused ones. */
  puts: number;
}

export function createRecordingTargets(): RecordingTargets {
  const collections = new Map<string, RecordedCollection>();
  let next = 1;
  const find = (account: TargetAccount, name: string) => [...collections.values()].find((c) => c.account === account.address && c.name === name);
  const ensure = (account: TargetAccount, name: string, displayName: string, components: readonly CalendarComponent[]) => {
    const found = find(account, name);
    if (found) return { id: found.id, created: false };
    const id = `c${next++}`;
    collections.set(id, { id, account: account.address, name, displayName, components, objects: new Map() });
    return { id, created: true };
  };
  const get = (id: string): RecordedCollection => {
    const c = collections.get(id);
    if (!c) throw new Error(`no collection ${id}`);
    return c;
  };
  async function* pages(id: string): AsyncIterable<string[]> {
    yield [...get(id).objects.keys()];
  }
  const targets: RecordingTargets = {
    collections,
    puts: 0,
    collection: (address, name) => [...collections.values()].find((c) => c.account === address && c.name === name),
    calendars: {
      ensureCalendar: async (account, name, options) => ensure(account, name, options.displayName, options.components),
      findCalendar: async (account, name) => find(account, name) ?? null,
      uids: (_account, id) => pages(id),
      async putObject(_account, id, object) {
        targets.puts++;
        const c = get(id);
        if (!/^BEGIN:VCALENDAR\r?\n/i.test(object.ics)) throw new Error('not an iCalendar object');
        if (c.objects.has(object.uid)) throw new Error(`UID ${object.uid} exists (If-None-Match: *)`);
        c.objects.set(object.uid, object.ics);
      },
      getObject: async (_account, id, uid) => get(id).objects.get(uid) ?? null,
    },
    contacts: {
      ensureAddressBook: async (account, name, options) => ensure(account, name, options.displayName, []),
      findAddressBook: async (account, name) => find(account, name) ?? null,
      uids: (_account, id) => pages(id),
      async putCard(_account, id, card) {
        targets.puts++;
        const c = get(id);
        if (!/^BEGIN:VCARD\r?\n/i.test(card.vcf)) throw new Error('not a vCard');
        if (c.objects.has(card.uid)) throw new Error(`UID ${card.uid} exists (If-None-Match: *)`);
        c.objects.set(card.uid, card.vcf);
      },
      getCard: async (_account, id, uid) => get(id).objects.get(uid) ?? null,
    },
  };
  return targets;
}
