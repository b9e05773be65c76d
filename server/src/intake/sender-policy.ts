// Which addresses an authenticated user may send as (RFC 6409 §6.1: the
// submission server may check the envelope sender and the author fields
// against the user). Allowed: the user's primary address, the same mailbox in
// an alias domain, and aliases that lead to the user; and, through a
// delegation grant (directory/mailbox-grant-service.ts), the address of a
// shared mailbox or of another user's mailbox: "send as" lets the user be
// the author outright, "send on behalf" only with a Sender: field naming the
// user (RFC 5322 §3.6.2: the agent responsible for the transmission), as
// Exchange does. Every author field of a submitted message is checked, not
// only the first: From:, Sender: and Resent-From: (RFC 5322 §3.6.2, §3.6.6),
// and a message with more than one From: or Sender: field is refused
// outright (RFC 5322 §3.6 allows one), so a second, forged From: cannot ride
// behind a genuine one into a DKIM signature.
import type { Actor, AddressResolution, AddressService } from '../directory/api.ts';
import type { MailboxGrantService } from '../directory/shared-mailbox-api.ts';
import { parseAddress } from '../directory/names.ts';
import { StoaError } from '../errors/catalogue.ts';
import { parseAddressList } from '../mail/mime/address-list.ts';
import { headerFields, unfoldValue, type HeaderField } from '../mail/mime/header-fields.ts';

/** What the sender policy asks the directory. Without `grants`, only the principal's own addresses pass. */
export interface SenderDirectory {
  addresses: Pick<AddressService, 'resolve'>;
  grants?: Pick<MailboxGrantService, 'holds'>;
}

/** The mailbox an address belongs to when the principal may use it through a grant. */
export interface DelegatedSender {
  ownerId: string;
  kind: 'shared-mailbox' | 'account';
  address: string;
  /** A shared mailbox's "copy mail sent as it into its Sent folder" setting; false for accounts. */
  copySent: boolean;
  sendAs: boolean;
  onBehalf: boolean;
}

export type AddressUse = { use: 'own' } | ({ use: 'delegated' } & DelegatedSender) | null;

/** The mailbox owner an address resolution names (an account or a shared mailbox), if any. */
function ownerOf(r: AddressResolution): Omit<DelegatedSender, 'sendAs' | 'onBehalf'> | null {
  if (r?.kind === 'account' && r.account.domainId !== null) return { ownerId: r.account.id, kind: 'account', address: r.account.address, copySent: false };
  if (r?.kind === 'shared-mailbox') return { ownerId: r.sharedMailbox.id, kind: 'shared-mailbox', address: r.sharedMailbox.address, copySent: r.sharedMailbox.copySent };
  return null;
}

async function delegated(dir: SenderDirectory, principal: Actor, r: AddressResolution): Promise<AddressUse> {
  const owner = ownerOf(r);
  if (!owner || !dir.grants) return null;
  const [sendAs, onBehalf] = await Promise.all([
    dir.grants.holds(principal, owner.ownerId, 'send-as'),
    dir.grants.holds(principal, owner.ownerId, 'send-on-behalf'),
  ]);
  return sendAs || onBehalf ? { use: 'delegated', ...owner, sendAs, onBehalf } : null;
}

/** How the principal may use `address`: as its own, through a grant on its owner, or not at all (null). */
export async function addressUse(dir: SenderDirectory, principal: Actor, address: string): Promise<AddressUse> {
  if (principal.id === null) return { use: 'own' };
  let normalised: string;
  try {
    normalised = parseAddress(address).address;
  } catch {
    return null;
  }
  if (normalised === principal.login) return { use: 'own' };
  const resolution = await dir.addresses.resolve(normalised);
  if (!resolution) return null;
  if (resolution.kind === 'account' && resolution.account.id === principal.id) return { use: 'own' };
  if (resolution.kind === 'account' || resolution.kind === 'shared-mailbox') return delegated(dir, principal, resolution);
  // A catch-all leads anything to someone: it does not make every address theirs.
  if (resolution.kind !== 'alias') return null;
  let viaGrant: AddressUse = null;
  for (const target of resolution.alias.targets) {
    let targetAddress: string;
    try {
      targetAddress = parseAddress(target).address;
    } catch {
      continue; // a malformed stored target grants nothing
    }
    if (targetAddress === principal.login) return { use: 'own' };
    // An alias of a shared mailbox (info@ → sales@) is the shared mailbox's to send as.
    viaGrant ??= await delegated(dir, principal, await dir.addresses.resolve(targetAddress).catch(() => null));
  }
  return viaGrant;
}

/** Whether the principal may use `address` as the envelope sender (MAIL FROM): its own, or one it holds send as or send on behalf of. */
export async function mayUseAddress(dir: SenderDirectory, principal: Actor, address: string): Promise<boolean> {
  return (await addressUse(dir, principal, address)) !== null;
}

/**
 * Whether an author field says more than the parser read from it: an "@"
 * outside quoted strings and comments that no parsed address (or source
 * route) accounts for, as in "<me@x> <ceo@x>" or "me@x <ceo@x>". Readers
 * differ on such fields (one shows the first address, another the last), so
 * the one checked here might not be the one shown: refused as malformed.
 */
function ambiguous(field: HeaderField): boolean {
  const value = unfoldValue(field.value);
  let ats = 0;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\') {
      i++;
    } else if (quoted) {
      if (ch === '"') quoted = false;
    } else if (depth > 0) {
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === '(') {
      depth++;
    } else if (ch === '@') {
      ats++;
    }
  }
  let accounted = 0;
  for (const a of parseAddressList(value)) {
    if (a.mailbox !== null && a.host !== null && a.host !== 'MISSING_DOMAIN') accounted++;
    if (a.adl) accounted += [...a.adl].filter((c) => c === '@').length;
  }
  return ats > accounted;
}

/**
 * At most this many addresses in a message's author fields together (From:,
 * Sender:, Resent-From:, Resent-Sender:). A real message has one or two; a
 * 1 MiB header of repeated addresses cost a directory lookup and two grant
 * checks each, seconds of store work per submitted message.
 */
export const MAX_AUTHOR_ADDRESSES = 100;

/** addressUse, each distinct address looked up once per message. */
function addressUses(dir: SenderDirectory, principal: Actor): (address: string) => Promise<AddressUse> {
  const seen = new Map<string, Promise<AddressUse>>();
  return (address) => {
    let key: string;
    try {
      key = parseAddress(address).address;
    } catch {
      return Promise.resolve(null);
    }
    let use = seen.get(key);
    if (!use) {
      use = addressUse(dir, principal, key);
      seen.set(key, use);
    }
    return use;
  };
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

function notYours(field: HeaderField, address: string, why = 'is not yours'): StoaError {
  return new StoaError('STOA_SENDER_NOT_OWNED', `${field.name}: <${address}> ${why}`);
}

/**
 * The author fields of a message the principal submits: From: must exist
 * once, Sender: at most once. Every address in Sender:, Resent-From: and
 * Resent-Sender: must be the principal's own or one it may send as; every
 * address in From: too, or one it may send on behalf of, and then Sender:
 * must name the principal itself. Throws STOA_MESSAGE_INVALID or
 * STOA_SENDER_NOT_OWNED. Returns the mailbox the message is sent as or on
 * behalf of (for its Sent folder copy), or null for the principal's own.
 */
export async function checkAuthorFields(dir: SenderDirectory, principal: Actor, headerSection: Buffer): Promise<DelegatedSender | null> {
  // RFC 5322 §2.2: CR only in CRLF. Some readers break lines at a lone CR, and would see fields checked here as parts of others.
  if (/\r(?!\n)/.test(headerSection.toString('latin1'))) throw new StoaError('STOA_MESSAGE_INVALID', 'the header section has a CR without LF');
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
  const authors = [...from, ...sender, ...named('resent-from'), ...named('resent-sender')];
  if (authors.reduce((n, f) => n + addressesOf(f).length, 0) > MAX_AUTHOR_ADDRESSES) {
    throw new StoaError('STOA_MESSAGE_INVALID', `the author fields hold more than ${MAX_AUTHOR_ADDRESSES} addresses`);
  }
  const useOf = addressUses(dir, principal);

  // Sender: is the one who actually sent it: the principal, or a mailbox it may send as, never someone else.
  let senderIsSelf = false;
  for (const field of sender) {
    const list = addressesOf(field);
    for (const address of list) {
      const use = await useOf(address);
      if (use?.use === 'own') continue;
      if (use?.use !== 'delegated' || !use.sendAs) throw notYours(field, address);
    }
    senderIsSelf = list.length > 0 && (await Promise.all(list.map((a) => useOf(a)))).every((u) => u?.use === 'own');
  }

  let sentFor: DelegatedSender | null = null;
  for (const address of fromList) {
    const use = await useOf(address);
    if (use === null) throw notYours(from[0], address);
    if (use.use === 'own') continue;
    if (!use.sendAs) {
      // Send on behalf (Exchange's "on behalf of"): readers see who really sent it, so Sender: must say it was the principal.
      if (!senderIsSelf) throw notYours(from[0], address, `may be used only on behalf: add Sender: <${principal.login}>`);
    }
    const { use: _use, ...owner } = use;
    sentFor ??= owner;
  }

  for (const field of [...named('resent-from'), ...named('resent-sender')]) {
    for (const address of addressesOf(field)) {
      const use = await useOf(address);
      if (use?.use === 'own' || (use?.use === 'delegated' && use.sendAs)) continue;
      throw notYours(field, address);
    }
  }
  for (const field of authors) {
    if (ambiguous(field)) throw new StoaError('STOA_MESSAGE_INVALID', `${field.name}: holds an address outside the address list (quote a display name with "@" in it)`);
  }
  return sentFor;
}
