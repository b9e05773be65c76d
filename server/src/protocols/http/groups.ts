// Group and distribution-list admin routes: /api/v1/groups.
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../directory/api.ts';
import { Group, GroupCreate, GroupListQuery, GroupPage, GroupUpdate } from '../../../../shared/src/schemas/directory.ts';
import { registerCrudRoutes } from './crud-routes.ts';

export async function groupsRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  registerCrudRoutes(app, {
    path: '/groups', tag: 'groups', noun: 'group',
    service: opts.directory.groups,
    schemas: { item: Group, create: GroupCreate, update: GroupUpdate, listQuery: GroupListQuery, page: GroupPage },
  });
}
