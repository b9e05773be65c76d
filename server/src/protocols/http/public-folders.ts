// Public folder admin routes: /api/v1/domains/:id/public-folders, with their
// RFC 4314 ACL under …/:folderId/acl/:grantee. Plain users are refused by the
// gate (access: 'admin'); the service scopes domain admins to their domains.
import type { FastifyInstance } from 'fastify';
import type { PublicFolderService } from '../../mail/public-folder-service.ts';
import { LocationHeader, NoContent, ObjectParams } from '../../../../shared/src/schemas/api.ts';
import {
  PublicFolder, PublicFolderAcl, PublicFolderAddressSet, PublicFolderCreate, PublicFolderGranteeParams, PublicFolderList, PublicFolderParams,
  PublicFolderRights, PublicFolderUpdate,
} from '../../../../shared/src/schemas/public-folders.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

type DomainParams = { id: string };
type FolderParams = { id: string; folderId: string };
type GranteeParams = FolderParams & { grantee: string };

export async function publicFoldersRoutes(app: FastifyInstance, opts: { publicFolders: PublicFolderService }): Promise<void> {
  const service = opts.publicFolders;
  const config = { access: 'admin' as const };
  const tags = ['public-folders'];
  const base = '/domains/:id/public-folders';

  app.get<{ Params: DomainParams }>(base, {
    config,
    schema: { tags, summary: 'List the public folders of a domain', params: ObjectParams, response: { 200: PublicFolderList, ...problemResponses } },
  }, async (request) => ({ items: await service.list(authOf(request).actor, request.params.id) }));

  app.post<{ Params: DomainParams; Body: PublicFolderCreate }>(base, {
    config,
    schema: {
      tags, summary: 'Create a public folder (missing parents are created)', params: ObjectParams, body: PublicFolderCreate,
      response: { 201: { ...PublicFolder, description: 'The new public folder', headers: LocationHeader }, ...problemResponses },
    },
  }, async (request, reply) => {
    const folder = await service.create(authOf(request).actor, request.params.id, request.body.name);
    return reply.code(201).header('location', `/api/v1/domains/${encodeURIComponent(folder.domainId)}/public-folders/${folder.id}`).send(folder);
  });

  app.get<{ Params: FolderParams }>(`${base}/:folderId`, {
    config,
    schema: { tags, summary: 'Get one public folder', params: PublicFolderParams, response: { 200: PublicFolder, ...problemResponses } },
  }, async (request) => service.get(authOf(request).actor, request.params.id, request.params.folderId));

  app.patch<{ Params: FolderParams; Body: PublicFolderUpdate }>(`${base}/:folderId`, {
    config,
    schema: {
      tags, summary: 'Rename a public folder (sub-folders move along)', params: PublicFolderParams, body: PublicFolderUpdate,
      response: { 200: PublicFolder, ...problemResponses },
    },
  }, async (request) => service.rename(authOf(request).actor, request.params.id, request.params.folderId, request.body.name));

  app.delete<{ Params: FolderParams }>(`${base}/:folderId`, {
    config,
    schema: { tags, summary: 'Delete a public folder and its messages', params: PublicFolderParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await service.delete(authOf(request).actor, request.params.id, request.params.folderId);
    return reply.code(204).send();
  });

  app.get<{ Params: FolderParams }>(`${base}/:folderId/acl`, {
    config,
    schema: { tags, summary: 'The RFC 4314 access list of a public folder', params: PublicFolderParams, response: { 200: PublicFolderAcl, ...problemResponses } },
  }, async (request) => ({ items: await service.acl(authOf(request).actor, request.params.id, request.params.folderId) }));

  app.put<{ Params: GranteeParams; Body: PublicFolderRights }>(`${base}/:folderId/acl/:grantee`, {
    config,
    schema: {
      tags, summary: 'Set the rights of "anyone", an account or a group of the domain', params: PublicFolderGranteeParams, body: PublicFolderRights,
      response: { 200: PublicFolderAcl, ...problemResponses },
    },
  }, async (request) => ({
    items: await service.grant(authOf(request).actor, request.params.id, request.params.folderId, request.params.grantee, request.body.rights),
  }));

  app.delete<{ Params: GranteeParams }>(`${base}/:folderId/acl/:grantee`, {
    config,
    schema: { tags, summary: 'Remove an access list entry', params: PublicFolderGranteeParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await service.revoke(authOf(request).actor, request.params.id, request.params.folderId, request.params.grantee);
    return reply.code(204).send();
  });

  app.put<{ Params: FolderParams; Body: PublicFolderAddressSet }>(`${base}/:folderId/address`, {
    config,
    schema: {
      tags, summary: 'Give a public folder an address in its domain: mail to it is filed in the folder', params: PublicFolderParams, body: PublicFolderAddressSet,
      response: { 200: PublicFolder, ...problemResponses },
    },
  }, async (request) => service.setAddress(authOf(request).actor, request.params.id, request.params.folderId, request.body));

  app.delete<{ Params: FolderParams }>(`${base}/:folderId/address`, {
    config,
    schema: { tags, summary: 'Take a public folder\'s address away', params: PublicFolderParams, response: { 204: NoContent, ...problemResponses } },
  }, async (request, reply) => {
    await service.removeAddress(authOf(request).actor, request.params.id, request.params.folderId);
    return reply.code(204).send();
  });
}
