// Calendars and address books of an account or shared mailbox for
// administrators: /api/v1/accounts/:id/collections (list with usage, create,
// change, delete, shares) and /api/v1/accounts/:id/delegations
// (calendar-proxy delegates, and the Full Access holders listed as such);
// the same under /api/v1/shared-mailboxes/:id. Plain users are refused by
// the gate (access: 'admin'); the collection service checks the admin's scope
// against the owner's domain.
import type { FastifyInstance } from 'fastify';
import type { CollectionService, CollectionView } from '../../collections/api.ts';
import type { Directory } from '../../directory/api.ts';
import { LocationHeader, NoContent, ObjectParams } from '../../../../shared/src/schemas/api.ts';
import {
  DavCollectionCreate, DavCollectionList, DavCollectionParams, DavCollectionUpdate, DavCollectionView, DavDelegateParams, DavGrantList,
  DavGrantSet, DavGranteeParams, DavMyDelegateParams, DavMyGranteeParams,
} from '../../../../shared/src/schemas/dav.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';
import { StoaError } from '../../errors/catalogue.ts';

type AccountParams = { id: string };
type CollectionParams = { id: string; collectionId: string };
type GranteeParams = CollectionParams & { grantee: string };

function viewOf(v: CollectionView, ownerAddress: string): DavCollectionView {
  const c = v.collection;
  return {
    id: c.id, kind: c.kind, uri: c.uri, role: c.role, displayName: c.displayName, description: c.description, color: c.color, order: c.order,
    components: c.components, href: `/dav/${c.kind === 'calendar' ? 'calendars' : c.kind === 'addressbook' ? 'addressbooks' : 'files'}/${encodeURIComponent(ownerAddress).replace(/%40/g, '@')}/${c.uri.split('/').map(encodeURIComponent).join('/')}/`,
    syncSeq: c.syncSeq, createdAt: c.createdAt, updatedAt: c.updatedAt,
  };
}

export async function davAdminRoutes(app: FastifyInstance, opts: { collections: CollectionService; directory: Directory }): Promise<void> {
  const { collections, directory } = opts;
  type Actor = Parameters<CollectionService['get']>[0];
  // The same routes for accounts and for shared mailboxes, whose calendars and address books Full Access holders open.
  ownerRoutes('/accounts', 'an account', (actor, id) => directory.accounts.get(actor, id));
  ownerRoutes('/shared-mailboxes', 'a shared mailbox', (actor, id) => directory.sharedMailboxes.get(actor, id));

  function ownerRoutes(prefix: string, noun: string, load: (actor: Actor, id: string) => Promise<{ id: string; address: string }>): void {
    const config = { access: 'admin' as const };
    const tags = ['calendars'];
    const base = `${prefix}/:id/collections`;

    /** The owner (scope checked by the directory) and a collection of it. */
    async function owned(request: { params: CollectionParams }, actor: Actor) {
      const account = await load(actor, request.params.id);
      const v = await collections.get(actor, request.params.collectionId);
      if (v.collection.ownerId !== account.id) throw new StoaError('STOA_NOT_FOUND', `collection "${request.params.collectionId}" does not exist`);
      return { account, view: v };
    }

    app.get<{ Params: AccountParams }>(base, {
      config,
      schema: { tags, summary: `Calendars and address books of ${noun}, with their storage use`, params: ObjectParams, response: { 200: DavCollectionList, ...problemResponses } },
    }, async (request) => {
      const { actor } = authOf(request);
      const account = await load(actor, request.params.id);
      const items = [...await collections.home(actor, account.id, 'calendar'), ...await collections.home(actor, account.id, 'addressbook'), ...await collections.home(actor, account.id, 'files')]
        .filter((e) => !e.mounted).map((e) => viewOf(e, account.address));
      return { items, usage: await collections.usage(actor, account.id) };
    });

    app.post<{ Params: AccountParams; Body: DavCollectionCreate }>(base, {
      config,
      schema: {
        tags, summary: `Create a calendar or address book for ${noun}`, params: ObjectParams, body: DavCollectionCreate,
        response: { 201: { ...DavCollectionView, headers: LocationHeader }, ...problemResponses },
      },
    }, async (request, reply) => {
      const { actor } = authOf(request);
      const account = await load(actor, request.params.id);
      const { kind, ...input } = request.body;
      const v = await collections.create(actor, account.id, kind, input);
      return reply.code(201).header('location', `/api/v1${prefix}/${encodeURIComponent(account.id)}/collections/${v.collection.id}`).send(viewOf(v, account.address));
    });

    app.patch<{ Params: CollectionParams; Body: DavCollectionUpdate }>(`${base}/:collectionId`, {
      config,
      schema: { tags, summary: 'Change the name, description, colour or order of a collection', params: DavCollectionParams, body: DavCollectionUpdate, response: { 200: DavCollectionView, ...problemResponses } },
    }, async (request) => {
      const { actor } = authOf(request);
      const { account, view } = await owned(request, actor);
      return viewOf(await collections.update(actor, view.collection.id, request.body), account.address);
    });

    app.delete<{ Params: CollectionParams }>(`${base}/:collectionId`, {
      config,
      schema: { tags, summary: 'Delete a calendar or address book with everything in it', params: DavCollectionParams, response: { 204: NoContent, ...problemResponses } },
    }, async (request, reply) => {
      const { actor } = authOf(request);
      const { view } = await owned(request, actor);
      await collections.delete(actor, view.collection.id);
      return reply.code(204).send();
    });

    app.get<{ Params: CollectionParams }>(`${base}/:collectionId/shares`, {
      config,
      schema: { tags, summary: 'Who the collection is shared with', params: DavCollectionParams, response: { 200: DavGrantList, ...problemResponses } },
    }, async (request) => {
      const { actor } = authOf(request);
      const { view } = await owned(request, actor);
      return { items: await collections.shares(actor, view.collection.id) };
    });

    app.put<{ Params: GranteeParams; Body: DavGrantSet }>(`${base}/:collectionId/shares/:grantee`, {
      config,
      schema: { tags, summary: 'Share the collection with an account or group of the domain (read or read-write)', params: DavGranteeParams, body: DavGrantSet, response: { 200: DavGrantList, ...problemResponses } },
    }, async (request) => {
      const { actor } = authOf(request);
      const { view } = await owned(request, actor);
      return { items: await collections.share(actor, view.collection.id, request.params.grantee, request.body.access) };
    });

    app.delete<{ Params: GranteeParams }>(`${base}/:collectionId/shares/:grantee`, {
      config,
      schema: { tags, summary: 'Stop sharing the collection with an account or group', params: DavGranteeParams, response: { 204: NoContent, ...problemResponses } },
    }, async (request, reply) => {
      const { actor } = authOf(request);
      const { view } = await owned(request, actor);
      await collections.share(actor, view.collection.id, request.params.grantee, null);
      return reply.code(204).send();
    });

    app.get<{ Params: AccountParams }>(`${prefix}/:id/delegations`, {
      config,
      schema: { tags, summary: `Calendar delegates of ${noun} (calendar-proxy-read / -write, and Full Access holders)`, params: ObjectParams, response: { 200: DavGrantList, ...problemResponses } },
    }, async (request) => {
      const { actor } = authOf(request);
      const account = await load(actor, request.params.id);
      return { items: await collections.delegations(actor, account.id) };
    });

    app.put<{ Params: { id: string; grantee: string }; Body: DavGrantSet }>(`${prefix}/:id/delegations/:grantee`, {
      config,
      schema: { tags, summary: `Let an account or group act on every calendar of ${noun} (read or read-write)`, params: DavDelegateParams, body: DavGrantSet, response: { 200: DavGrantList, ...problemResponses } },
    }, async (request) => {
      const { actor } = authOf(request);
      const account = await load(actor, request.params.id);
      return { items: await collections.delegate(actor, account.id, request.params.grantee, request.body.access) };
    });

    app.delete<{ Params: { id: string; grantee: string } }>(`${prefix}/:id/delegations/:grantee`, {
      config,
      schema: { tags, summary: 'Remove a calendar delegate', params: DavDelegateParams, response: { 204: NoContent, ...problemResponses } },
    }, async (request, reply) => {
      const { actor } = authOf(request);
      const account = await load(actor, request.params.id);
      await collections.delegate(actor, account.id, request.params.grantee, null);
      return reply.code(204).send();
    });
  }

  // Self-service: owners share their own collections and name their delegates (the service checks ownership).
  const self = { access: 'user' as const };
  const selfTags = ['me'];

  app.get('/me/collections', {
    config: self,
    schema: { tags: selfTags, summary: 'Your calendars, address books and folders, with their storage use', response: { 200: DavCollectionList, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    const items = [...await collections.home(actor, account.id, 'calendar'), ...await collections.home(actor, account.id, 'addressbook'), ...await collections.home(actor, account.id, 'files')]
      .filter((e) => !e.mounted).map((e) => viewOf(e, account.address));
    return { items, usage: await collections.usage(actor, account.id) };
  });

  app.put<{ Params: { collectionId: string; grantee: string }; Body: DavGrantSet }>('/me/collections/:collectionId/shares/:grantee', {
    config: self,
    schema: { tags: selfTags, summary: 'Share one of your collections with an account or group of your domain', params: DavMyGranteeParams, body: DavGrantSet, response: { 200: DavGrantList, ...problemResponses } },
  }, async (request) => {
    const { actor } = authOf(request);
    return { items: await collections.share(actor, request.params.collectionId, request.params.grantee, request.body.access) };
  });

  app.delete<{ Params: { collectionId: string; grantee: string } }>('/me/collections/:collectionId/shares/:grantee', {
    config: self,
    schema: { tags: selfTags, summary: 'Stop sharing one of your collections', params: DavMyGranteeParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    const { actor } = authOf(request);
    await collections.share(actor, request.params.collectionId, request.params.grantee, null);
    return reply.code(204).send();
  });

  app.put<{ Params: { grantee: string }; Body: DavGrantSet }>('/me/delegations/:grantee', {
    config: self,
    schema: { tags: selfTags, summary: 'Let an account or group act on all your calendars (an assistant)', params: DavMyDelegateParams, body: DavGrantSet, response: { 200: DavGrantList, ...problemResponses } },
  }, async (request) => {
    const { actor, account } = authOf(request);
    return { items: await collections.delegate(actor, account.id, request.params.grantee, request.body.access) };
  });

  app.delete<{ Params: { grantee: string } }>('/me/delegations/:grantee', {
    config: self,
    schema: { tags: selfTags, summary: 'Remove one of your calendar delegates', params: DavMyDelegateParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    const { actor, account } = authOf(request);
    await collections.delegate(actor, account.id, request.params.grantee, null);
    return reply.code(204).send();
  });
}
