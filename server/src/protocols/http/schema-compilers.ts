// Route schemas are compiled at each route's first request, not when the
// server starts. Fastify compiles every route's validators (Ajv) and response
// serializers (fast-json-stringify) while it gets ready: some 870 schemas of
// the admin API and DAV (one per request part and response status), about
// 0.5 s of CPU, and generated code whose source text, bytecode and closures
// stayed in the heap of a server that may never be asked for most of them,
// about 20-25 MiB of idle RSS (issue 8: idle RSS ≤ 150 MiB). Ajv and
// fast-json-stringify themselves (some 240 modules) are loaded with the first
// compilation too (test/cli/lazy-modules.test.ts checks that a started server
// has loaded neither).
//
// A schema that does not compile therefore fails that route's requests (500
// STOA_INTERNAL, logged), not the start: compileEverySchema compiles them
// all, and test/api/schemas.test.ts calls it so that such a schema still
// fails a test.
import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { FastifySchemaControllerOptions, FastifyValidationResult } from 'fastify/types/schema.js';
import type * as SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { lazyModule } from '../../model/lazy-module.ts';
import { createValidatorCompiler } from './validation.ts';

const serializerSelector = lazyModule<typeof SerializerSelector>('@fastify/fast-json-stringify-compiler');

type CompilersFactory = NonNullable<FastifySchemaControllerOptions['compilersFactory']>;

export interface SchemaCompilers {
  /** Fastify's `schemaController.compilersFactory`: its defaults are then never loaded. */
  compilersFactory: CompilersFactory;
  /** Compiles every schema not compiled yet; returns how many schemas the routes have in all. */
  compileAll(): number;
}

/** The compilers of one Fastify instance, each route's compiled at its first use. */
export function createSchemaCompilers(): SchemaCompilers {
  const routes: { what: string; compile: () => void }[] = [];
  const validatorCompiler = createValidatorCompiler();
  const validators: FastifySchemaCompiler<unknown> = (route) => {
    let compiled: FastifyValidationResult | undefined;
    const compile = (): FastifyValidationResult => (compiled ??= validatorCompiler(route));
    const what = `the ${route.httpPart ?? 'request'} schema of ${route.method} ${route.url}`;
    routes.push({ what, compile });
    // Fastify reads `errors` from the function it called, right after a call that returned false.
    const validate: FastifyValidationResult = (data: unknown) => {
      let fn: FastifyValidationResult;
      try {
        fn = compile();
      } catch (err) {
        // Fastify does not catch a validator that throws; an { error } is answered through the error handler (500 STOA_INTERNAL, logged).
        return { error: Object.assign(new Error(`${what} does not compile: ${(err as Error).message}`, { cause: err }), { statusCode: 500, code: 'STOA_SCHEMA_BUILD' }) };
      }
      const result = fn(data);
      validate.errors = fn.errors;
      return result;
    };
    return validate;
  };
  // Fastify types the factories with its compiler packages' route types, which differ from its own in optional fields only.
  const compilersFactory: CompilersFactory = {
    buildValidator: (() => validators) as unknown as CompilersFactory['buildValidator'],
    buildSerializer: ((externalSchemas: unknown, options: unknown) => {
      // Fastify's own default, fast-json-stringify over the external schemas, loaded at the first compilation.
      let serializerCompiler: ReturnType<SerializerSelector.SerializerFactory> | undefined;
      const serializers: FastifySerializerCompiler<unknown> = (route) => {
        let compiled: ((data: unknown) => string) | undefined;
        const compile = (): ((data: unknown) => string) => {
          if (compiled) return compiled;
          serializerCompiler ??= serializerSelector().SerializerSelector()(externalSchemas, options as SerializerSelector.Options);
          return (compiled = serializerCompiler(route as SerializerSelector.RouteDefinition));
        };
        routes.push({ what: `the ${route.httpStatus} response schema of ${route.method} ${route.url}`, compile });
        return (data: unknown) => compile()(data);
      };
      return serializers;
    }) as unknown as CompilersFactory['buildSerializer'],
  };
  return {
    compilersFactory,
    compileAll() {
      for (const { what, compile } of routes) {
        try {
          compile();
        } catch (err) {
          throw new Error(`${what} does not compile: ${(err as Error).message}`, { cause: err });
        }
      }
      return routes.length;
    },
  };
}

const byApp = new WeakMap<FastifyInstance, SchemaCompilers>();

/** Remembers which compilers an instance uses, for compileEverySchema. */
export function trackSchemaCompilers(app: FastifyInstance, compilers: SchemaCompilers): void {
  byApp.set(app, compilers);
}

/**
 * Compiles every route schema of a server built by createHttpServer, as
 * Fastify did at start before compilation waited for a route's first request:
 * throws the first schema that does not compile. Returns the number of schemas.
 */
export function compileEverySchema(app: FastifyInstance): number {
  const compilers = byApp.get(app);
  if (!compilers) throw new Error('not a server built by createHttpServer');
  return compilers.compileAll();
}
