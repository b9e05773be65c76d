// Guards "a domain is deleted only when empty" against write skew. Snapshot
// isolation lets a domain delete count zero members while a concurrent
// transaction inserts the first one; MongoDB detects conflicts only between
// writes to the same document. So every insert into a domain (and every new
// alias domain pointing at it) bumps a counter on the domain document, and the
// delete bumps it too: the two transactions then conflict, and the loser is
// retried by withTransaction and sees the other's outcome.
import { COLLECTIONS } from './collections.ts';
import { sessionOpts, type MongoCtx } from './mongo-context.ts';

/** Field on domain documents; stripped before a Domain leaves the store. */
export const FENCE_FIELD = 'fence';

/** Must run inside a transaction (`tx.session` set) to have any effect. Returns how many domains exist among `domainIds`. */
export async function fenceDomains(tx: MongoCtx, domainIds: Iterable<string | null>): Promise<number> {
  const ids = [...new Set([...domainIds].filter((id): id is string => id !== null))];
  if (ids.length === 0) return 0;
  const domains = tx.db.collection<{ _id: string }>(COLLECTIONS.domains);
  const result = await domains.updateMany({ _id: { $in: ids } }, { $inc: { [FENCE_FIELD]: 1 } }, sessionOpts(tx));
  return result.matchedCount;
}
