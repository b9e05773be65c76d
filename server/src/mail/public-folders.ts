// Public folders ("Shared Folders/…" in IMAP): mailboxes owned by a domain
// rather than an account. The owner is a reserved id per domain,
// "domain:<domain id>", kept in the mailbox's accountId: the store, UIDs,
// MODSEQs, EMAILIDs, threads and usage work unchanged, and no account id can
// take that form (account ids are UUIDs without a colon). Nobody holds owner
// rights on a public folder: every right comes from its RFC 4314 ACL, and
// only accounts of the folder's domain get any (see mailbox-service.ts).
const PREFIX = 'domain:';

/** The reserved owner id of a domain's public folders. */
export function publicFolderOwner(domainId: string): string {
  return PREFIX + domainId;
}

/** The domain whose public folders an owner id stands for; null for an account. */
export function publicFolderDomain(ownerId: string): string | null {
  return ownerId.startsWith(PREFIX) ? ownerId.slice(PREFIX.length) : null;
}

export function isPublicFolder(mailbox: { accountId: string }): boolean {
  return publicFolderDomain(mailbox.accountId) !== null;
}
