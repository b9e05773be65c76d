// The five routes every directory object shares (create, list, get, update,
// delete), built once from the object's service and schemas. Scope and roles
// are enforced by the service from the Actor; the gate has already refused
// plain users (access: 'admin').
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import type { Actor, ListParams } from '../../directory/api.ts';
import type { Page } from '../../model/listing.ts';
import { LocationHeader, NoContent, ObjectParams } from '../../../../shared/src/schemas/api.ts';
import { authOf } from './auth.ts';
import { problemResponses } from './problem.ts';

export interface CrudService<T, C, U, L> {
  create(actor: Actor, input: C): Promise<T>;
  get(actor: Actor, ref: string): Promise<T>;
  update(actor: Actor, ref: string, patch: U): Promise<T>;
  delete(actor: Actor, ref: string): Promise<void>;
  list(actor: Actor, params: L): Promise<Page<T>>;
}

export interface CrudSpec<T extends { id: string }, C, U, L extends ListParams<string>> {
  /** Collection path under /api/v1, e.g. "/domains". */
  path: string;
  /** OpenAPI tag and the noun used in summaries. */
  tag: string;
  noun: string;
  service: CrudService<T, C, U, L>;
  schemas: { item: TSchema; create: TSchema; update: TSchema; listQuery: TSchema; page: TSchema };
}

type Ref = { id: string };

export function registerCrudRoutes<T extends { id: string }, C, U, L extends ListParams<string>>(app: FastifyInstance, spec: CrudSpec<T, C, U, L>): void {
  const { path, tag, noun, service, schemas } = spec;
  const config = { access: 'admin' as const };

  app.post<{ Body: C }>(path, {
    config,
    schema: {
      tags: [tag], summary: `Create a ${noun}`,
      body: schemas.create,
      response: {
        201: { ...schemas.item, description: `The new ${noun}`, headers: LocationHeader },
        ...problemResponses,
      },
    },
  }, async (request, reply) => {
    const created = await service.create(authOf(request).actor, request.body as C);
    return reply.code(201).header('location', `/api/v1${path}/${encodeURIComponent(created.id)}`).send(created);
  });

  app.get<{ Querystring: L }>(path, {
    config,
    schema: {
      tags: [tag], summary: `List ${tag} visible to you (paged, filtered, sorted)`,
      querystring: schemas.listQuery,
      response: { 200: schemas.page, ...problemResponses },
    },
  }, async (request) => service.list(authOf(request).actor, request.query as L));

  app.get<{ Params: Ref }>(`${path}/:id`, {
    config,
    schema: {
      tags: [tag], summary: `Get one ${noun} by id or address`,
      params: ObjectParams,
      response: { 200: schemas.item, ...problemResponses },
    },
  }, async (request) => service.get(authOf(request).actor, request.params.id));

  app.patch<{ Params: Ref; Body: U }>(`${path}/:id`, {
    config,
    schema: {
      tags: [tag], summary: `Change a ${noun} (only the fields sent)`,
      params: ObjectParams,
      body: schemas.update,
      response: { 200: schemas.item, ...problemResponses },
    },
  }, async (request) => service.update(authOf(request).actor, request.params.id, request.body as U));

  app.delete<{ Params: Ref }>(`${path}/:id`, {
    config,
    schema: {
      tags: [tag], summary: `Delete a ${noun}`,
      params: ObjectParams,
      response: { 204: NoContent, ...problemResponses },
    },
  }, async (request, reply) => {
    await service.delete(authOf(request).actor, request.params.id);
    return reply.code(204).send();
  });
}
