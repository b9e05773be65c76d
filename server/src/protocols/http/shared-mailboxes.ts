// Shared mailboxes and delegation (docs/shared-mailboxes.md):
//   /api/v1/shared-mailboxes                 CRUD, grants, convert to account
//   /api/v1/accounts/:id/grants …            an admin delegating a user's mailbox
//   /api/v1/accounts/:id/delegated-access    what a user may open and send as
//   /api/v1/accounts/:id/convert-to-shared   an account becoming a shared mailbox
//   /api/v1/me/grants, /api/v1/me/delegated-access   the same for oneself
// Scope and rights are the directory's (shared-mailbox-api.ts); the gate has
// refused plain users on the admin routes already.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Directory } from '../../directory/api.ts';
import type { MailboxRef } from '../../directory/shared-mailbox-api.ts';
import { LocationHeader, NoContent, ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { Account } from '../../../../shared/src/schemas/directory.ts';
import {
  DelegatedAccess, GrantParams, MailboxGrant, MailboxGrantCreate, MailboxGrantList, OwnGrantParams, SharedMailbox, SharedMailboxCreate,
  SharedMailboxListQuery, SharedMailboxPage, SharedMailboxToAccount, SharedMailboxUpdate,
} from '../../../../shared/src/schemas/shared-mailboxes.ts';
import { authOf } from './auth.ts';
import { registerCrudRoutes } from './crud-routes.ts';
import { problemResponses } from './problem.ts';

type Ref = Static<typeof ObjectParams>;
type GrantRef = Static<typeof GrantParams>;

/** GET, POST and DELETE …/grants for one kind of mailbox, under `base` (":id" names it). */
function grantRoutes(app: FastifyInstance, directory: Directory, base: string, kind: MailboxRef['kind'], tag: string, noun: string): void {
  const config = { access: 'admin' as const };
  app.get<{ Params: Ref }>(`${base}/grants`, {
    config,
    schema: { tags: [tag], summary: `Who holds which grant (full access, send as, send on behalf) on a ${noun}`, params: ObjectParams, response: { 200: MailboxGrantList, ...problemResponses } },
  }, async (request) => ({ items: await directory.grants.list(authOf(request).actor, { kind, ref: request.params.id }) }));

  app.post<{ Params: Ref; Body: Static<typeof MailboxGrantCreate> }>(`${base}/grants`, {
    config,
    schema: {
      tags: [tag], summary: `Grant an account or group full access, send as or send on behalf on a ${noun}`, params: ObjectParams, body: MailboxGrantCreate,
      response: { 201: { ...MailboxGrant, description: 'The new grant', headers: LocationHeader }, ...problemResponses },
    },
  }, async (request, reply) => {
    const grant = await directory.grants.grant(authOf(request).actor, { kind, ref: request.params.id }, request.body);
    return reply.code(201).header('location', `/api/v1${base.replace(':id', encodeURIComponent(request.params.id))}/grants/${grant.id}`).send(grant);
  });

  app.delete<{ Params: GrantRef }>(`${base}/grants/:grantId`, {
    config,
    schema: { tags: [tag], summary: `Take a grant on a ${noun} away (open sessions lose it before their next command)`, params: GrantParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await directory.grants.revoke(authOf(request).actor, { kind, ref: request.params.id }, request.params.grantId);
    return reply.code(204).send();
  });
}

export async function sharedMailboxRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  const { directory } = opts;
  const config = { access: 'admin' as const };

  registerCrudRoutes(app, {
    path: '/shared-mailboxes', tag: 'shared-mailboxes', noun: 'shared mailbox',
    service: directory.sharedMailboxes,
    schemas: { item: SharedMailbox, create: SharedMailboxCreate, update: SharedMailboxUpdate, listQuery: SharedMailboxListQuery, page: SharedMailboxPage },
  });
  grantRoutes(app, directory, '/shared-mailboxes/:id', 'shared-mailbox', 'shared-mailboxes', 'shared mailbox');
  grantRoutes(app, directory, '/accounts/:id', 'account', 'accounts', "user's mailbox");

  app.post<{ Params: Ref; Body: Static<typeof SharedMailboxToAccount> }>('/shared-mailboxes/:id/convert-to-account', {
    config,
    schema: {
      tags: ['shared-mailboxes'], summary: 'Turn a shared mailbox back into an account (same id, address and mail); give it a password to log in',
      params: ObjectParams, body: SharedMailboxToAccount, response: { 200: Account, ...problemResponses },
    },
  }, async (request) => directory.sharedMailboxes.toAccount(authOf(request).actor, request.params.id, request.body));

  app.post<{ Params: Ref }>('/accounts/:id/convert-to-shared', {
    config,
    schema: {
      tags: ['accounts'], summary: 'Turn an account into a shared mailbox: its mail stays; its password, sessions, tokens and app passwords go',
      params: ObjectParams, response: { 200: SharedMailbox, ...problemResponses },
    },
  }, async (request) => directory.sharedMailboxes.fromAccount(authOf(request).actor, request.params.id));

  app.get<{ Params: Ref }>('/accounts/:id/delegated-access', {
    config,
    schema: {
      tags: ['accounts'], summary: 'Which mailboxes an account can open, send as and send on behalf of, and through which grants',
      params: ObjectParams, response: { 200: DelegatedAccess, ...problemResponses },
    },
  }, async (request) => directory.grants.accessOf(authOf(request).actor, request.params.id));
}

/** Delegating one's own mailbox (an assistant working in a manager's), and what one was given. */
export async function meDelegationRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  const { directory } = opts;
  const config = { access: 'user' as const };
  const mine = (request: Parameters<typeof authOf>[0]): MailboxRef => ({ kind: 'account', ref: authOf(request).account.id });

  app.get('/me/grants', {
    config,
    schema: { tags: ['me'], summary: 'Who you gave full access, send as or send on behalf on your mailbox', response: { 200: MailboxGrantList, ...problemResponses } },
  }, async (request) => ({ items: await directory.grants.list(authOf(request).actor, mine(request)) }));

  app.post<{ Body: Static<typeof MailboxGrantCreate> }>('/me/grants', {
    config,
    schema: {
      tags: ['me'], summary: 'Delegate your mailbox to an account or group of your domain', body: MailboxGrantCreate,
      response: { 201: { ...MailboxGrant, description: 'The new grant', headers: LocationHeader }, ...problemResponses },
    },
  }, async (request, reply) => {
    const grant = await directory.grants.grant(authOf(request).actor, mine(request), request.body);
    return reply.code(201).header('location', `/api/v1/me/grants/${grant.id}`).send(grant);
  });

  app.delete<{ Params: Static<typeof OwnGrantParams> }>('/me/grants/:grantId', {
    config,
    schema: { tags: ['me'], summary: 'Take back a grant on your mailbox', params: OwnGrantParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await directory.grants.revoke(authOf(request).actor, mine(request), request.params.grantId);
    return reply.code(204).send();
  });

  app.get('/me/delegated-access', {
    config,
    schema: { tags: ['me'], summary: 'The mailboxes you can open, send as and send on behalf of', response: { 200: DelegatedAccess, ...problemResponses } },
  }, async (request) => directory.grants.accessOf(authOf(request).actor, authOf(request).account.id));
}
