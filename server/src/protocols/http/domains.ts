// Domain admin routes (alias domains included; a domain admin sees only granted domains): /api/v1/domains.
import type { FastifyInstance } from 'fastify';
import type { Directory, DomainService } from '../../directory/api.ts';
import type { DkimKeys } from '../../mail-auth/dkim-keys.ts';
import { Domain, DomainCreate, DomainListQuery, DomainPage, DomainUpdate } from '../../../../shared/src/schemas/directory.ts';
import { registerCrudRoutes } from './crud-routes.ts';

export async function domainsRoutes(app: FastifyInstance, opts: { directory: Directory; dkim: DkimKeys }): Promise<void> {
  const { domains } = opts.directory;
  // A new domain gets its DKIM keys at once, so GET …/dkim can show the records to publish.
  const service: DomainService = {
    create: async (actor, input) => {
      const domain = await domains.create(actor, input);
      await opts.dkim.ensureKey(domain);
      return domain;
    },
    get: (actor, ref) => domains.get(actor, ref),
    update: (actor, ref, patch) => domains.update(actor, ref, patch),
    delete: (actor, ref) => domains.delete(actor, ref),
    list: (actor, params) => domains.list(actor, params),
  };
  registerCrudRoutes(app, {
    path: '/domains', tag: 'domains', noun: 'domain',
    service,
    schemas: { item: Domain, create: DomainCreate, update: DomainUpdate, listQuery: DomainListQuery, page: DomainPage },
  });
}
