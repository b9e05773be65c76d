// RFC 4314 identifiers ↔ the mail service's ACL entries: clients name users
// by address, the store keeps account ids; "anyone" is itself.
import { systemActor } from '../../../directory/access.ts';
import { isStoaError } from '../../../errors/catalogue.ts';
import type { ImapContext } from '../context.ts';

export const ALL_RIGHTS = 'lrswipkxtea';

/** RFC 4314 §2.1.1: "c" and "d" of RFC 2086 map onto "k" and "xte". Null when a right is unknown. */
export function normaliseRights(rights: string): string | null {
  let out = '';
  for (const r of rights.toLowerCase()) {
    const mapped = r === 'c' ? 'k' : r === 'd' ? 'xte' : r;
    for (const m of mapped) {
      if (!ALL_RIGHTS.includes(m)) return null;
      if (!out.includes(m)) out += m;
    }
  }
  return [...ALL_RIGHTS].filter((r) => out.includes(r)).join('');
}

export async function identifierToId(ctx: ImapContext, identifier: string): Promise<string | null> {
  if (identifier.toLowerCase() === 'anyone') return 'anyone';
  try {
    return (await ctx.services.accounts.get(systemActor(), identifier)).id;
  } catch (err) {
    if (isStoaError(err, 'STOA_NOT_FOUND') || isStoaError(err, 'STOA_VALIDATION') || isStoaError(err, 'STOA_INVALID_ADDRESS')) return null;
    throw err;
  }
}

export async function idToIdentifier(ctx: ImapContext, id: string): Promise<string> {
  if (id === 'anyone') return id;
  try {
    return (await ctx.services.accounts.get(systemActor(), id)).address;
  } catch (err) {
    if (isStoaError(err, 'STOA_NOT_FOUND')) return id;
    throw err;
  }
}
