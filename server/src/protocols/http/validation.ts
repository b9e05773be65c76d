// Request validation: one Ajv per coercion policy. Query strings arrive as
// text, so `?limit=10&enabled=true` must be coerced to their schema types;
// JSON bodies and path parameters must not be, so `{"enabled":"yes"}` is a
// 400 instead of a silently converted value. Unknown body fields are
// rejected (removeAdditional: false), never stripped: a typo in an admin's
// script must fail loudly, not be ignored.
import type * as AjvCompilerModule from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { FieldError } from '../../errors/catalogue.ts';
import { lazyModule } from '../../model/lazy-module.ts';

/** One Ajv instance's compiler, as @fastify/ajv-compiler's factory makes it. */
type AjvCompile = ReturnType<ReturnType<typeof AjvCompilerModule.AjvCompiler>>;
type RouteDefinition = Parameters<AjvCompile>[0];

const ajvCompiler = lazyModule<typeof AjvCompilerModule>('@fastify/ajv-compiler');

const common = {
  removeAdditional: false,
  useDefaults: true,
  // Fastify's guidance: allErrors lets one request make Ajv do unbounded work.
  allErrors: false,
} as const;

/**
 * Builds the validator compiler Fastify uses for every route (ajv-formats is
 * added by the factory). Ajv is loaded and its two instances made at the
 * first compilation (schema-compilers.ts: a route's first request).
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  let ajv: { strict: AjvCompile; coercing: AjvCompile } | undefined;
  return (route) => {
    if (!ajv) {
      const factory = ajvCompiler().AjvCompiler();
      ajv = {
        strict: factory({}, { customOptions: { ...common, coerceTypes: false } }),
        coercing: factory({}, { customOptions: { ...common, coerceTypes: 'array' } }),
      };
    }
    return (route.httpPart === 'querystring' ? ajv.coercing : ajv.strict)(route as RouteDefinition) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/** Escapes one JSON Pointer reference token (RFC 6901 §3). */
function pointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Ajv errors as field errors whose `path` is a JSON Pointer (RFC 6901) that
 * starts with the request part: `/body/forwardTo/0`, `/querystring/limit`.
 */
export function fieldErrors(errors: readonly FastifySchemaValidationError[], part: string): FieldError[] {
  return errors.map((e) => {
    const params = (e.params ?? {}) as Record<string, unknown>;
    let path = `/${part}${e.instancePath}`;
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path += `/${pointerToken(params.additionalProperty)}`;
      message = 'is not an allowed field';
    } else if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      path += `/${pointerToken(params.missingProperty)}`;
      message = 'is required';
    }
    return { path, message };
  });
}
