// CardDAV queries (RFC 6352 §8.6 addressbook-query, §8.7 multiget) over the
// collection service, and the global address list of the caller's domain.
import { createHash } from 'node:crypto';
import type { CollectionService } from '../collections/api.ts';
import type { Actor } from '../directory/api.ts';
import { StoaError } from '../errors/catalogue.ts';
import { textMatches, type CardFilter, type PropFilter } from '../model/dav-filter.ts';
import type { Store } from '../store/port.ts';
import type { CardResult, CardShape, ContactsService } from './api.ts';
import { directoryCards } from './directory-cards.ts';
import { shapeCard } from './card-shape.ts';
import { readLines, type ContentLine, type VCardLimits } from './vcard.ts';

export interface ContactsServiceDeps {
  store: Store;
  collections: CollectionService;
  limits: VCardLimits & { directoryMaxEntries: number };
}

function propMatches(lines: readonly ContentLine[], f: PropFilter): boolean {
  const props = lines.filter((l) => l.name === f.name.toUpperCase());
  if (f.isNotDefined) return props.length === 0;
  if (props.length === 0) return false;
  return props.some((p) => {
    const tests = [
      ...f.textMatches.map((m) => () => textMatches(p.value.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, '\n'), m)),
      ...f.params.map((pf) => () => {
        const values = p.params.filter(([k]) => k === pf.name.toUpperCase()).flatMap(([, v]) => v);
        if (pf.isNotDefined) return values.length === 0;
        if (values.length === 0) return false;
        return !pf.textMatch || values.some((v) => textMatches(v, pf.textMatch!));
      }),
    ];
    if (tests.length === 0) return true;
    return f.test === 'allof' ? tests.every((t) => t()) : tests.some((t) => t());
  });
}

/** RFC 6352 §10.5: prop-filters combined by the filter's test. */
export function matchesCardFilter(text: string, filter: CardFilter, limits: VCardLimits): boolean {
  if (filter.props.length === 0) return true;
  const lines = readLines(text, limits);
  return filter.test === 'allof' ? filter.props.every((f) => propMatches(lines, f)) : filter.props.some((f) => propMatches(lines, f));
}

export function createContactsService({ store, collections, limits }: ContactsServiceDeps): ContactsService {
  const shape = (text: string, s: CardShape): string => shapeCard(text, s, limits);

  async function domainOf(actor: Actor): Promise<string> {
    const account = actor.id ? await store.accounts.get(actor.id) : null;
    if (!account?.domainId) throw new StoaError('STOA_NOT_FOUND', 'no global address list for accounts without a domain');
    return account.domainId;
  }

  function select(cards: readonly CardResult[], filter: CardFilter, s: CardShape, limit: number | null) {
    const results: CardResult[] = [];
    for (const c of cards) {
      if (!matchesCardFilter(c.data, filter, limits)) continue;
      if (limit !== null && results.length >= limit) return { results, truncated: true };
      results.push({ ...c, data: shape(c.data, s) });
    }
    return { results, truncated: false };
  }

  return {
    async query(actor, collectionId, filter, s, limit) {
      const objects = await collections.listObjectData(actor, collectionId);
      return select(objects.map((o) => ({ name: o.name, etag: o.etag, data: o.data })), filter, s, limit);
    },

    async multiget(actor, collectionId, names, s) {
      const found = await collections.getObjects(actor, collectionId, names);
      const present = new Set(found.map((o) => o.name));
      return { found: found.map((o) => ({ name: o.name, etag: o.etag, data: shape(o.data, s) })), missing: names.filter((n) => !present.has(n)) };
    },

    async directory(actor) {
      const cards = await directoryCards(store, await domainOf(actor), limits.directoryMaxEntries);
      const token = createHash('sha256').update(cards.map((c) => `${c.name}:${c.etag}`).join('\n')).digest('base64url').slice(0, 22);
      return { token, cards };
    },

    async queryDirectory(actor, filter, s, limit) {
      const cards = await directoryCards(store, await domainOf(actor), limits.directoryMaxEntries);
      return select(cards, filter, s, limit);
    },
  };
}
