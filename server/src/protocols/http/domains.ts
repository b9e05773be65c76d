// Domain admin routes (alias domains included; a domain admin sees only granted domains): /api/v1/domains.
import type { FastifyInstance } from 'fastify';
import type { Directory } from '../../directory/api.ts';
import { Domain, DomainCreate, DomainListQuery, DomainPage, DomainUpdate } from '../../../../shared/src/schemas/directory.ts';
import { registerCrudRoutes } from './crud-routes.ts';

export async function domainsRoutes(app: FastifyInstance, opts: { directory: Directory }): Promise<void> {
  // A new domain gets its DKIM keys from the directory's provisioning (services.ts), so GET …/dkim can show the records to publish.
  registerCrudRoutes(app, {
    path: '/domains', tag: 'domains', noun: 'domain',
    service: opts.directory.domains,
    schemas: { item: Domain, create: DomainCreate, update: DomainUpdate, listQuery: DomainListQuery, page: DomainPage },
  });
}
