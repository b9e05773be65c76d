// Which addresses an authenticated user may send as (RFC 6409 §6.1: the
// submission server may check the envelope sender and the author fields
// against the user). Allowed: the user's primary address, the same mailbox in
// an alias domain, and aliases that lead to the user. Every author field of
// a submitted message is checked, not only the first: From:, Sender: and
// Resent-From: (RFC 5322 §3.6.2, §3.6.6), and a message with more than one
// From: or Sender: field is refused outright (RFC 5322 §3.6 allows one), so
// a second, forged From: cannot ride behind a genuine one into a DKIM
// signature.
import type { Actor, AddressService } from '../directory/api.ts';
import { parseAddress } from '../directory/names.ts';
import { StoaError } from '../errors/catalogue.ts';
import { parseAddressList } from '../mail/mime/address-list.ts';
import { headerFields, unfoldValue, type HeaderField } from '../mail/mime/header-fields.ts';

/** Whether the principal may use `address` as a sender. */
export async function mayUseAddress(addresses: Pick<AddressService, 'resolve'>, principal: Actor, address: string): Promise<boolean> {
  if (principal.id === null) return true;
  let normalised: string;
  try {
    normalised = parseAddress(address).address;
  } catch {
    return false;
  }
  if (normalised === principal.login) return true;
  const resolution = await addresses.resolve(normalised);
  if (!resolution) return false;
  if (resolution.kind === 'account') return resolution.account.id === principal.id;
  // A catch-all leads anything to someone: it does not make every address theirs.
  if (resolution.kind !== 'alias') return false;
  for (const target of resolution.alias.targets) {
    try {
      if (parseAddress(target).address === principal.login) return true;
    } catch {
      // a malformed stored target grants nothing
    }
  }
  return false;
}

/** The addresses of one address-list field value; null when it holds none. */
function addressesOf(field: HeaderField): string[] {
  return parseAddressList(unfoldValue(field.value))
    .filter((a) => a.mailbox !== null && a.host !== null)
    .map((a) => `${a.mailbox}@${a.host}`);
}

/** The addresses of the (first) From: field (RFC 5322 §3.6.2); null when there is none or it holds no address. */
export function fromAddresses(headerSection: Buffer): string[] | null {
  const from = headerFields(headerSection).find((f) => f.name.toLowerCase() === 'from');
  if (!from) return null;
  const list = addressesOf(from);
  return list.length > 0 ? list : null;
}

/**
 * The author fields of a message the principal submits: From: must exist
 * once, Sender: at most once, and every address in From:, Sender: and
 * Resent-From: must be the principal's. Throws STOA_MESSAGE_INVALID or
 * STOA_SENDER_NOT_OWNED.
 */
export async function checkAuthorFields(addresses: Pick<AddressService, 'resolve'>, principal: Actor, headerSection: Buffer): Promise<void> {
  const fields = headerFields(headerSection);
  const named = (name: string): HeaderField[] => fields.filter((f) => f.name.toLowerCase() === name);
  const from = named('from');
  const sender = named('sender');
  // RFC 5322 §3.6.2: From is required; without it the message names no author, and it is refused.
  if (from.length === 0) throw new StoaError('STOA_MESSAGE_INVALID', 'the message has no From: field');
  if (from.length > 1) throw new StoaError('STOA_MESSAGE_INVALID', 'the message has more than one From: field');
  if (sender.length > 1) throw new StoaError('STOA_MESSAGE_INVALID', 'the message has more than one Sender: field');
  const fromList = addressesOf(from[0]);
  if (fromList.length === 0) throw new StoaError('STOA_MESSAGE_INVALID', 'the From: field holds no address');
  for (const field of [...from, ...sender, ...named('resent-from'), ...named('resent-sender')]) {
    for (const address of addressesOf(field)) {
      if (!await mayUseAddress(addresses, principal, address)) {
        throw new StoaError('STOA_SENDER_NOT_OWNED', `${field.name}: <${address}> is not yours`);
      }
    }
  }
}
