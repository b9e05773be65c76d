// Schemas shared by the server (Fastify validation, OpenAPI) and the console
// (typed API clients). Each schema is plain JSON Schema built with TypeBox.
import Type, { type Static, type TSchema } from 'typebox';

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Opaque object identifier' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 UTC timestamp' });

/** A mailbox local part as typed by an admin: letters, digits and the usual punctuation, UTF-8 allowed (RFC 6531). */
export const LocalPart = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s@"(),:;<>\\[\\\\\\]]+$' });
/** A domain name, either ASCII or Unicode (IDN); the server stores both forms. */
export const DomainName = Type.String({ minLength: 1, maxLength: 253 });
export const EmailAddress = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' });

export const SortOrder = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);

/** Query string of every list route: paging, free-text filter and sort. */
export function listQuery<const S extends string>(sortFields: readonly S[], extra: Record<string, TSchema> = {}) {
  return Type.Object({
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Case-insensitive substring match on address and name' })),
    sort: Type.Optional(Type.Union(sortFields.map((f) => Type.Literal(f)))),
    order: Type.Optional(SortOrder),
    ...extra,
  }, { additionalProperties: false });
}

export function page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ minimum: 0 }),
    offset: Type.Integer({ minimum: 0 }),
    limit: Type.Integer({ minimum: 1 }),
  }, { additionalProperties: false });
}

/** RFC 9457 problem details, with the stable Stoa error code. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  code: Type.String({ description: 'Stable Stoa error code, see docs/errors.md' }),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  reference: Type.Optional(Type.String({ description: 'For a fault on the server side: the id of the log line with its detail' })),
});
export type Problem = Static<typeof Problem>;
