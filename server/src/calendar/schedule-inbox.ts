// The schedule inbox (RFC 6638 §2.2): the collection where the server puts
// the scheduling messages a calendar user receives — invitations, updates
// and cancellations from organizers, replies from attendees — whether they
// came from a colleague on this server or by mail (iMIP). The calendar copy
// is updated at the same time (RFC 6638 §4.1); clients that show an inbox
// (Apple's, eM Client) read the messages and delete them. Each event keeps
// its latest message per originator, and an inbox keeps at most
// dav.scheduleInboxMaxItems of them (the oldest go first), so a client that
// never reads it does not fill the account.
import { systemActor } from '../directory/access.ts';
import type { CollectionService } from '../collections/api.ts';
import type { DavCollection } from '../model/dav.ts';
import type { Store } from '../store/port.ts';
import { objectName, stripScheduleParameters, uidOf, withMethod, cloneRoot, type Component } from './itip.ts';

export type ScheduleMethod = 'REQUEST' | 'REPLY' | 'CANCEL';

export interface ScheduleInbox {
  /** The owner's inbox (created with the other default collections); null when they have none. */
  of(ownerId: string): Promise<DavCollection | null>;
  /** Stores `root` as a `method` message from `originator` in the owner's inbox. */
  deliver(ownerId: string, method: ScheduleMethod, root: Component, originator: string): Promise<void>;
}

export function createScheduleInbox(deps: { store: Store; collections: CollectionService; maxItems: number }): ScheduleInbox {
  const { store, collections, maxItems } = deps;
  const system = systemActor();

  async function of(ownerId: string): Promise<DavCollection | null> {
    const find = async () => (await store.dav.listCollections(ownerId, 'calendar')).find((c) => c.role === 'inbox') ?? null;
    const found = await find();
    if (found) return found;
    await collections.ensureDefaults(system, ownerId);
    return find();
  }

  /** Removes the oldest messages beyond the limit. */
  async function trim(inbox: DavCollection): Promise<void> {
    const items = await store.dav.listObjects(inbox.id);
    if (items.length <= maxItems) return;
    const oldest = [...items].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).slice(0, items.length - maxItems);
    for (const o of oldest) await collections.deleteObject(system, inbox.id, o.name).catch(() => undefined);
  }

  return {
    of,
    async deliver(ownerId, method, root, originator) {
      const inbox = await of(ownerId);
      if (!inbox || maxItems === 0) return;
      const message = cloneRoot(root);
      stripScheduleParameters(message);
      await collections.putObject(system, inbox.id, objectName(`${uidOf(root)}\n${originator}`), withMethod(message, method));
      await trim(inbox);
    },
  };
}
