// Resource (room, equipment) admin routes: /api/v1/resources.
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../directory/api.ts';
import { Resource, ResourceCreate, ResourceListQuery, ResourcePage, ResourceUpdate } from '../../../../shared/src/schemas/directory.ts';
import { registerCrudRoutes } from './crud-routes.ts';

export async function resourcesRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  registerCrudRoutes(app, {
    path: '/resources', tag: 'resources', noun: 'resource',
    service: opts.directory.resources,
    schemas: { item: Resource, create: ResourceCreate, update: ResourceUpdate, listQuery: ResourceListQuery, page: ResourcePage },
  });
}
