// Builds the calendar, contacts and collection services over one store, with
// the limits of the `dav:` configuration section. main.ts and the tests use
// it; the lead's composition root (services.ts) takes it over at merge.
import { createCalendarCodec } from './calendar/calendar-codec.ts';
import { createCalendarService } from './calendar/calendar-service.ts';
import type { CalendarService } from './calendar/api.ts';
import type { CollectionService } from './collections/api.ts';
import { createCollectionService } from './collections/collection-service.ts';
import type { StoaConfig } from './config/types.ts';
import type { ContactsService } from './contacts/api.ts';
import { createContactsCodec } from './contacts/contacts-codec.ts';
import { createContactsService } from './contacts/contacts-service.ts';
import type { Store } from './store/port.ts';
import type { AddressService } from './directory/api.ts';
import { createScheduler, type ImipSender, type Scheduler } from './calendar/scheduling.ts';
import { createFilesCodec } from './collections/files-codec.ts';

export interface DavServiceSet {
  collections: CollectionService;
  calendar: CalendarService;
  contacts: ContactsService;
  /** Implicit scheduling, when wired with the directory's addresses; the intake calls `scheduler.applyImipReply` for iMIP replies. */
  scheduler: Scheduler | null;
}

export function createDavServices(deps: {
  store: Store; config: StoaConfig; now?: () => number;
  /** Where attendees are looked up (the directory's address service); without it nothing is scheduled. */
  addresses?: Pick<AddressService, 'resolve'>;
  /** iMIP out (imip-outbound.ts); without it external attendees are skipped. */
  sendImip?: ImipSender;
}): DavServiceSet {
  const { store, config } = deps;
  const dav = config.dav;
  const calendarLimits = {
    maxBytes: dav.maxResourceBytes, maxComponents: 2000, maxDepth: 6,
    maxInstances: dav.maxInstances, maxIterations: Math.max(100_000, dav.maxInstances * 10),
  };
  const vcardLimits = { maxBytes: dav.maxResourceBytes, maxLines: 10_000 };
  const now = deps.now ?? Date.now;
  const collections = createCollectionService({
    store,
    codecs: { calendar: createCalendarCodec(calendarLimits), addressbook: createContactsCodec(vcardLimits), files: createFilesCodec({ maxBytes: dav.maxResourceBytes }) },
    now: () => new Date(now()).toISOString(),
  });
  const scheduler = deps.addresses
    ? createScheduler({ store, collections, addresses: deps.addresses, sendImip: deps.sendImip ?? (async () => {}), limits: calendarLimits })
    : null;
  return {
    collections,
    scheduler,
    calendar: createCalendarService({
      collections, limits: { ...calendarLimits, maxExpandDays: dav.maxExpandDays }, now, ...(scheduler ? { scheduler } : {}),
    }),
    contacts: createContactsService({ store, collections, limits: { ...vcardLimits, directoryMaxEntries: dav.directoryMaxEntries } }),
  };
}

/** Housekeeping: deletions older than dav.tombstoneRetentionDays leave the sync log. */
export function davTombstonePruneTask(deps: { store: Store; config: StoaConfig }): { name: string; run: () => Promise<number> } {
  return {
    name: 'davTombstones',
    run: () => deps.store.dav.pruneTombstones(new Date(Date.now() - deps.config.dav.tombstoneRetentionDays * 86_400_000).toISOString()),
  };
}
