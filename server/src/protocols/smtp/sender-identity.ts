// Which addresses an authenticated user may send as (RFC 6409 §6.1: the
// submission server may check the envelope sender and From: against the
// user). Allowed: the primary address, the same mailbox in an alias domain,
// and aliases that lead to the user. The directory has no send-as delegation
// yet; when it gains one, it belongs here.
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { Directory } from '../../directory/api.ts';
import { parseAddress } from '../../directory/names.ts';
import { parseAddressList } from '../../mail/mime/address-list.ts';
import { firstField, headerFields, unfoldValue } from '../../mail/mime/header-fields.ts';

export async function mayUseAddress(directory: Directory, account: Account, address: string): Promise<boolean> {
  let normalised: string;
  try {
    normalised = parseAddress(address).address;
  } catch {
    return false;
  }
  if (normalised === account.address) return true;
  const resolution = await directory.addresses.resolve(normalised);
  if (!resolution) return false;
  if (resolution.kind === 'account') return resolution.account.id === account.id;
  // A catch-all leads anything to someone: it does not make every address theirs.
  if (resolution.kind !== 'alias') return false;
  for (const target of resolution.alias.targets) {
    try {
      if (parseAddress(target).address === account.address) return true;
    } catch {
      // a malformed stored target grants nothing
    }
  }
  return false;
}

/** The addresses of the From: field (RFC 5322 §3.6.2); null when there is none or it holds no address. */
export function fromAddresses(headerSection: Buffer): string[] | null {
  const from = firstField(headerFields(headerSection), 'from');
  if (!from) return null;
  const list = parseAddressList(unfoldValue(from.value))
    .filter((a) => a.mailbox !== null && a.host !== null)
    .map((a) => `${a.mailbox}@${a.host}`);
  return list.length > 0 ? list : null;
}
