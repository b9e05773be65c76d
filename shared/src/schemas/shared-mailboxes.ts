// Shared mailboxes and delegation (Exchange's shared mailboxes, Full Access,
// Send As and Send on Behalf) as the admin API, the console and /api/v1/me
// see them. docs/shared-mailboxes.md maps each to its Exchange name.
import Type, { type Static } from 'typebox';
import { DomainName, EmailAddress, Id, Timestamp, listQuery, page } from './common.ts';
import { ObjectRef } from './api.ts';
import { Password } from './directory.ts';

const Bytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Bytes; 0 means unlimited' });
const Count = Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Messages; 0 means unlimited' });

// ---- Shared mailboxes -----------------------------------------------------
export const SharedMailbox = Type.Object({
  id: Id,
  domainId: Id,
  address: Type.String({ description: 'Primary address (local@domain, ASCII domain); more addresses are aliases pointing here' }),
  displayName: Type.String(),
  enabled: Type.Boolean({ description: 'A disabled shared mailbox takes no mail and cannot be opened' }),
  quotaBytes: Bytes,
  quotaMessages: Count,
  forwardTo: Type.Array(EmailAddress),
  keepForwardedCopy: Type.Boolean(),
  copySent: Type.Boolean({ description: 'Mail sent as or on behalf of this mailbox is also filed in its Sent folder (Exchange MessageCopyForSentAsEnabled)' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type SharedMailbox = Static<typeof SharedMailbox>;

export const SharedMailboxCreate = Type.Object({
  address: EmailAddress,
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  enabled: Type.Optional(Type.Boolean()),
  quotaBytes: Type.Optional(Bytes),
  quotaMessages: Type.Optional(Count),
  forwardTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 50 })),
  keepForwardedCopy: Type.Optional(Type.Boolean()),
  copySent: Type.Optional(Type.Boolean()),
  allowMixedScript: Type.Optional(Type.Boolean({ description: 'Server admins only: accept a local part that mixes scripts (Unicode TR 39 "highly restrictive" fails)' })),
}, { additionalProperties: false });
export type SharedMailboxCreate = Static<typeof SharedMailboxCreate>;

export const SharedMailboxUpdate = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  enabled: Type.Optional(Type.Boolean()),
  quotaBytes: Type.Optional(Bytes),
  quotaMessages: Type.Optional(Count),
  forwardTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 50 })),
  keepForwardedCopy: Type.Optional(Type.Boolean()),
  copySent: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export type SharedMailboxUpdate = Static<typeof SharedMailboxUpdate>;

export const SharedMailboxListQuery = listQuery(['address', 'displayName', 'createdAt'] as const, { domain: Type.Optional(DomainName) });
export const SharedMailboxPage = page(SharedMailbox);

/** Turning a shared mailbox back into an account that logs in: without a password it can log in only once one is set. */
export const SharedMailboxToAccount = Type.Object({ password: Type.Optional(Password) }, { additionalProperties: false });
export type SharedMailboxToAccount = Static<typeof SharedMailboxToAccount>;

// ---- Grants (delegation) ----------------------------------------------------
export const GrantRight = Type.Union([Type.Literal('full-access'), Type.Literal('send-as'), Type.Literal('send-on-behalf')], {
  description: 'full-access: open the mailbox with every right (IMAP, Autodiscover); send-as: submit with its address as sender and From:; send-on-behalf: From: the mailbox with Sender: yourself',
});
export type GrantRight = Static<typeof GrantRight>;

/** Whose mailbox a grant opens: a shared mailbox, or an account whose owner delegated it. */
export const DelegatedMailbox = Type.Object({
  kind: Type.Union([Type.Literal('shared-mailbox'), Type.Literal('account')]),
  id: Id,
  address: Type.String(),
}, { additionalProperties: false });
export type DelegatedMailbox = Static<typeof DelegatedMailbox>;

export const GrantGrantee = Type.Object({
  kind: Type.Union([Type.Literal('account'), Type.Literal('group')]),
  id: Id,
  address: Type.Union([Type.String(), Type.Null()], { description: 'Null when the grantee no longer exists' }),
}, { additionalProperties: false });
export type GrantGrantee = Static<typeof GrantGrantee>;

export const MailboxGrant = Type.Object({
  id: Id,
  mailbox: DelegatedMailbox,
  grantee: GrantGrantee,
  right: GrantRight,
  createdAt: Timestamp,
}, { additionalProperties: false });
export type MailboxGrant = Static<typeof MailboxGrant>;

export const MailboxGrantCreate = Type.Object({
  grantee: Type.String({ minLength: 1, maxLength: 320, description: 'An account or group, by id or address' }),
  right: GrantRight,
}, { additionalProperties: false });
export type MailboxGrantCreate = Static<typeof MailboxGrantCreate>;

export const MailboxGrantList = Type.Object({ items: Type.Array(MailboxGrant) }, { additionalProperties: false });

export const GrantParams = Type.Object({ id: ObjectRef, grantId: Id }, { additionalProperties: false });
export const OwnGrantParams = Type.Object({ grantId: Id }, { additionalProperties: false });

/** What one user may do with other mailboxes, and through which grants (direct, or a group they are in). */
export const DelegatedAccessEntry = Type.Object({
  mailbox: DelegatedMailbox,
  via: Type.Array(GrantGrantee, { description: 'The grantees that give the right: the user, or groups the user is in (nested groups included)' }),
}, { additionalProperties: false });
export const DelegatedAccess = Type.Object({
  open: Type.Array(DelegatedAccessEntry, { description: 'Full access: shown in IMAP and Autodiscover' }),
  sendAs: Type.Array(DelegatedAccessEntry),
  sendOnBehalf: Type.Array(DelegatedAccessEntry),
}, { additionalProperties: false });
export type DelegatedAccess = Static<typeof DelegatedAccess>;
export type DelegatedAccessEntry = Static<typeof DelegatedAccessEntry>;
