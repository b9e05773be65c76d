// RFC 6578 §3.2: a sync token is a URI. Ours names the collection and its
// change sequence, so a token from another collection is recognised as invalid.
const PREFIX = 'http://stoa.dev/ns/sync/';

export function syncToken(collectionId: string, seq: number): string {
  return `${PREFIX}${collectionId}/${seq}`;
}

/** The sequence in a token of this collection; null when it belongs elsewhere or is malformed. */
export function parseSyncToken(token: string, collectionId: string): number | null {
  const m = /^http:\/\/stoa\.dev\/ns\/sync\/([^/]+)\/(\d{1,15})$/.exec(token.trim());
  if (!m || m[1] !== collectionId) return null;
  return Number(m[2]);
}
