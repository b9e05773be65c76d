// Finding directory objects by what a caller typed: an id, or a name/address
// in any accepted spelling. Lookups never throw for malformed input: a key
// that cannot be normalised simply finds nothing.
import type { Domain } from '../../../shared/src/schemas/directory.ts';
import type { AccountRecord, StoreTx } from '../store/port.ts';
import { parseAddress, parseDomain, parseOperatorLogin } from './names.ts';

const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

export function looksLikeId(key: string): boolean {
  return ID_SHAPE.test(key);
}

export async function findDomain(db: StoreTx, idOrName: string): Promise<Domain | null> {
  if (looksLikeId(idOrName)) {
    const byId = await db.domains.get(idOrName);
    if (byId) return byId;
  }
  let ascii: string;
  try {
    ascii = parseDomain(idOrName).ascii;
  } catch {
    return null;
  }
  return db.domains.getByName(ascii);
}

export function tryNormaliseAddress(input: string, allowCatchAll = false): string | null {
  try {
    return parseAddress(input, { allowCatchAll }).address;
  } catch {
    return null;
  }
}

/** An account by id, by address, or by bare operator login. */
export async function findAccount(db: StoreTx, idOrAddress: string): Promise<AccountRecord | null> {
  if (idOrAddress.includes('@')) {
    const address = tryNormaliseAddress(idOrAddress);
    return address ? db.accounts.getByAddress(address) : null;
  }
  if (looksLikeId(idOrAddress)) {
    const byId = await db.accounts.get(idOrAddress);
    if (byId) return byId;
  }
  let login: string;
  try {
    login = parseOperatorLogin(idOrAddress);
  } catch {
    return null;
  }
  return db.accounts.getByAddress(login);
}

/** Groups, aliases and resources: by id, or by address (`*@domain` for catch-alls). */
export async function findByIdOrAddress<T>(
  idOrAddress: string,
  byId: (id: string) => Promise<T | null>,
  byAddress: (address: string) => Promise<T | null>,
  allowCatchAll = false,
): Promise<T | null> {
  if (idOrAddress.includes('@')) {
    const address = tryNormaliseAddress(idOrAddress, allowCatchAll);
    return address ? byAddress(address) : null;
  }
  return looksLikeId(idOrAddress) ? byId(idOrAddress) : null;
}
