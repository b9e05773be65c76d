// Calendars and address books of an account or shared mailbox as the admin
// API and the console see them: /api/v1/accounts/:id/collections and
// /delegations, and the same under /api/v1/shared-mailboxes/:id.
import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './common.ts';
import { ObjectRef } from './api.ts';

const Kind = Type.Union([Type.Literal('calendar'), Type.Literal('addressbook'), Type.Literal('files')], { description: 'calendar, address book, or folder of the WebDAV file area' });
const Access = Type.Union([Type.Literal('read'), Type.Literal('read-write')], { description: 'read, or read and change objects' });
const Color = Type.Union([Type.String({ pattern: '^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$' }), Type.Null()]);
const Segment = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/\\\\\\x00-\\x1f]+$', description: 'Last path segment under the owner\'s DAV home' });
const Component = Type.Union([Type.Literal('VEVENT'), Type.Literal('VTODO'), Type.Literal('VJOURNAL')]);

export const DavCollectionView = Type.Object({
  id: Id,
  kind: Kind,
  uri: Type.String(),
  role: Type.Union([Type.Literal('calendar'), Type.Literal('tasks'), Type.Literal('inbox'), Type.Literal('addressbook'), Type.Null()], { description: 'Default collection of the account (inbox: the schedule inbox, RFC 6638 §2.2), or null' }),
  displayName: Type.String(),
  description: Type.String(),
  color: Type.Union([Type.String(), Type.Null()]),
  order: Type.Union([Type.Integer(), Type.Null()]),
  components: Type.Array(Type.String()),
  href: Type.String({ description: 'Path of the collection on the DAV server' }),
  syncSeq: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { additionalProperties: false });
export type DavCollectionView = Static<typeof DavCollectionView>;

export const DavCollectionList = Type.Object({
  items: Type.Array(DavCollectionView),
  usage: Type.Object({ objects: Type.Integer({ minimum: 0 }), bytes: Type.Integer({ minimum: 0 }) }, { additionalProperties: false, description: 'Objects and bytes of every collection of the account (counted in its storage quota with its mail)' }),
}, { additionalProperties: false });

export const DavCollectionCreate = Type.Object({
  kind: Kind,
  uri: Segment,
  displayName: Type.Optional(Type.String({ maxLength: 500 })),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  color: Type.Optional(Color),
  order: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  components: Type.Optional(Type.Array(Component, { minItems: 1, maxItems: 3 })),
}, { additionalProperties: false });
export type DavCollectionCreate = Static<typeof DavCollectionCreate>;

export const DavCollectionUpdate = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 500 })),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  color: Type.Optional(Color),
  order: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
}, { additionalProperties: false, minProperties: 1 });
export type DavCollectionUpdate = Static<typeof DavCollectionUpdate>;

export const DavGrant = Type.Object({
  grantee: Type.Object({
    kind: Type.Union([Type.Literal('account'), Type.Literal('group')]),
    id: Id,
    address: Type.Union([Type.String(), Type.Null()]),
  }, { additionalProperties: false }),
  access: Access,
  source: Type.Union([Type.Literal('dav'), Type.Literal('full-access')], {
    description: 'dav: a share or calendar delegation set here; full-access: a Full Access mailbox grant, which makes its holder a read-write delegate (change it through the mailbox grants)',
  }),
}, { additionalProperties: false });
export const DavGrantList = Type.Object({ items: Type.Array(DavGrant) }, { additionalProperties: false });
export const DavGrantSet = Type.Object({ access: Access }, { additionalProperties: false });
export type DavGrantSet = Static<typeof DavGrantSet>;

export const DavCollectionParams = Type.Object({ id: ObjectRef, collectionId: Id }, { additionalProperties: false });
export const DavGranteeParams = Type.Object({
  id: ObjectRef, collectionId: Id,
  grantee: Type.String({ minLength: 1, maxLength: 320, description: 'An account or group of the owner\'s domain, by id or address' }),
}, { additionalProperties: false });
export const DavDelegateParams = Type.Object({
  id: ObjectRef,
  grantee: Type.String({ minLength: 1, maxLength: 320, description: 'An account or group of the owner\'s domain, by id or address' }),
}, { additionalProperties: false });
export const DavMyGranteeParams = Type.Object({
  collectionId: Id,
  grantee: Type.String({ minLength: 1, maxLength: 320, description: 'An account or group of your domain, by id or address' }),
}, { additionalProperties: false });
export const DavMyDelegateParams = Type.Object({
  grantee: Type.String({ minLength: 1, maxLength: 320, description: 'An account or group of your domain, by id or address' }),
}, { additionalProperties: false });
