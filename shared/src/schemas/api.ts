// Admin API envelopes that are not directory objects themselves: path
// parameters, the session ("who am I"), token and app-password lists, the
// self-service bodies of /me, and the health probes.
import Type, { type Static } from 'typebox';
import { EmailAddress, Id } from './common.ts';
import { Account, ApiToken, AppPassword, Password, Role } from './directory.ts';

/** A path segment naming an object: its id, or its address / domain name (URL-encoded). */
export const ObjectRef = Type.String({ minLength: 1, maxLength: 320, description: 'Object id, or its address (domain name for domains), URL-encoded' });
export const ObjectParams = Type.Object({ id: ObjectRef }, { additionalProperties: false });
export const AccountAppPasswordParams = Type.Object({ id: ObjectRef, appId: Id }, { additionalProperties: false });
export const AppPasswordIdParams = Type.Object({ appId: Id }, { additionalProperties: false });
export const TokenParams = Type.Object({ id: Id }, { additionalProperties: false });

export const AppPasswordList = Type.Object({ items: Type.Array(AppPassword) }, { additionalProperties: false });
export const ApiTokenList = Type.Object({ items: Type.Array(ApiToken) }, { additionalProperties: false });
/** Returned once, at creation: the only time the token secret is shown. */
export const ApiTokenCreated = Type.Object({ token: ApiToken, secret: Type.String() }, { additionalProperties: false });

export const DomainRef = Type.Object({ id: Id, name: Type.String(), unicodeName: Type.String() }, { additionalProperties: false });

/** GET /api/v1/session: the authenticated account and what it may administer. */
export const SessionInfo = Type.Object({
  account: Account,
  role: Role,
  adminDomains: Type.Array(DomainRef, { description: 'Domains a domain admin manages; empty for users and server admins (who see every domain)' }),
  via: Type.Union([Type.Literal('session'), Type.Literal('token')], { description: 'How this request was authenticated' }),
}, { additionalProperties: false });
export type SessionInfo = Static<typeof SessionInfo>;

/** PATCH /api/v1/me: what a user may change about their own account (quota and state stay with admins). */
export const MeUpdate = Type.Object({
  displayName: Type.Optional(Type.String({ maxLength: 256 })),
  forwardTo: Type.Optional(Type.Array(EmailAddress, { maxItems: 50 })),
  keepForwardedCopy: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export type MeUpdate = Static<typeof MeUpdate>;

/** PUT /api/v1/me/password: the current password is asked again so a stolen session cannot lock the owner out. */
export const OwnPasswordChange = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  password: Password,
}, { additionalProperties: false });
export type OwnPasswordChange = Static<typeof OwnPasswordChange>;

export const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

/** Body of 204 responses, named so the OpenAPI document says what happened. */
export const NoContent = Type.Null({ description: 'Done; no content' });
/** Response header of every 201: where the new object lives. */
export const LocationHeader = { location: Type.String({ description: 'URL path of the created object' }) };
