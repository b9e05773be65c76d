// Public folders of a domain ("Shared Folders/…" in IMAP) as the admin API
// and the console see them: /api/v1/domains/:id/public-folders.
import Type, { type Static } from 'typebox';
import { EmailAddress, Id, Timestamp } from './common.ts';
import { ObjectRef } from './api.ts';

const FolderName = Type.String({
  minLength: 1, maxLength: 1000,
  description: 'Full path below "Shared Folders", levels separated by "/", e.g. "Sales/Leads"',
});
/** RFC 4314 §2.1 rights, canonical order; "c" and "d" of RFC 2086 are accepted and mapped. */
const Rights = Type.String({ pattern: '^[lrswipkxteacd]*$', maxLength: 32, description: 'RFC 4314 rights, e.g. "lrs" (read) or "lrswipkxte" (edit)' });

export const PublicFolder = Type.Object({
  id: Id,
  domainId: Id,
  name: FolderName,
  messages: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
  address: Type.Union([Type.String(), Type.Null()], { description: 'Mail to this address is filed in the folder; null when it has none' }),
  acceptExternal: Type.Boolean({ description: 'Senders who did not log in (mail from outside) may post to the address; logged-in senders need the "p" right' }),
}, { additionalProperties: false });
export type PublicFolder = Static<typeof PublicFolder>;

export const PublicFolderAddressSet = Type.Object({
  address: EmailAddress,
  acceptExternal: Type.Optional(Type.Boolean({ description: 'Default: as before, or false' })),
}, { additionalProperties: false });
export type PublicFolderAddressSet = Static<typeof PublicFolderAddressSet>;

export const PublicFolderList = Type.Object({ items: Type.Array(PublicFolder) }, { additionalProperties: false });

export const PublicFolderCreate = Type.Object({ name: FolderName }, { additionalProperties: false });
export type PublicFolderCreate = Static<typeof PublicFolderCreate>;

export const PublicFolderUpdate = Type.Object({ name: FolderName }, { additionalProperties: false });
export type PublicFolderUpdate = Static<typeof PublicFolderUpdate>;

export const Grantee = Type.Object({
  kind: Type.Union([Type.Literal('account'), Type.Literal('group'), Type.Literal('anyone')]),
  id: Type.Union([Id, Type.Null()], { description: 'Account or group id; null for anyone' }),
  address: Type.Union([Type.String(), Type.Null()], { description: 'Account or group address; null for anyone' }),
}, { additionalProperties: false });
export type Grantee = Static<typeof Grantee>;

export const PublicFolderGrant = Type.Object({ grantee: Grantee, rights: Type.String() }, { additionalProperties: false });
export type PublicFolderGrant = Static<typeof PublicFolderGrant>;

export const PublicFolderAcl = Type.Object({ items: Type.Array(PublicFolderGrant) }, { additionalProperties: false });

export const PublicFolderRights = Type.Object({ rights: Rights }, { additionalProperties: false });
export type PublicFolderRights = Static<typeof PublicFolderRights>;

export const PublicFolderParams = Type.Object({ id: ObjectRef, folderId: Id }, { additionalProperties: false });
export const PublicFolderGranteeParams = Type.Object({
  id: ObjectRef, folderId: Id,
  grantee: Type.String({ minLength: 1, maxLength: 320, description: '"anyone", or an account or group of the domain by id or address' }),
}, { additionalProperties: false });
