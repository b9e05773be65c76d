// The contacts domain beyond plain collections: CardDAV queries and
// multiget with vCard version conversion and property selection, and the
// read-only global address list of the caller's domain. Every method takes
// the caller first; rights are those of the collection service, through
// which address books are created and cards stored (CollectionService.create
// and putObject: vCard 3.0 and 4.0, validated by contacts-codec.ts).
import type { Actor } from '../directory/api.ts';
import type { CardFilter } from '../model/dav-filter.ts';

export interface CardResult {
  name: string;
  etag: string;
  /** The card as asked: version converted, properties selected. */
  data: string;
}

export interface CardShape {
  /** Null: the version stored. */
  version: '3.0' | '4.0' | null;
  /** Null: every property (RFC 6352 §10.4 allprop). */
  props: string[] | null;
}

export interface DirectoryListing {
  /** Changes whenever any entry changes (the list's sync token and CTag). */
  token: string;
  cards: CardResult[];
}

export interface ContactsService {
  query(actor: Actor, collectionId: string, filter: CardFilter, shape: CardShape, limit: number | null): Promise<{ results: CardResult[]; truncated: boolean }>;
  multiget(actor: Actor, collectionId: string, names: readonly string[], shape: CardShape): Promise<{ found: CardResult[]; missing: string[] }>;
  /** The global address list of the caller's domain: users, groups and resources (read-only). */
  directory(actor: Actor): Promise<DirectoryListing>;
  /** Cards of the global address list matching a filter. */
  queryDirectory(actor: Actor, filter: CardFilter, shape: CardShape, limit: number | null): Promise<{ results: CardResult[]; truncated: boolean }>;
}
