// Alias admin routes (an address of *@domain is the catch-all): /api/v1/aliases.
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../directory/api.ts';
import { Alias, AliasCreate, AliasListQuery, AliasPage, AliasUpdate } from '../../../../shared/src/schemas/directory.ts';
import { registerCrudRoutes } from './crud-routes.ts';

export async function aliasesRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  registerCrudRoutes(app, {
    path: '/aliases', tag: 'aliases', noun: 'alias',
    service: opts.directory.aliases,
    schemas: { item: Alias, create: AliasCreate, update: AliasUpdate, listQuery: AliasListQuery, page: AliasPage },
  });
}
