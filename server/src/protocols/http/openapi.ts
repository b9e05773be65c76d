// The OpenAPI 3 document, generated from the route schemas (@fastify/swagger
// in dynamic mode). Registered before every route so that its onRoute hook
// sees them all; no UI is served.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import Type from 'typebox';
import { SESSION_COOKIE } from './auth.ts';
import { problemResponses } from './problem.ts';

async function openapiPlugin(app: FastifyInstance, opts: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Stoa admin API',
        version: opts.version,
        description: 'Errors are RFC 9457 problem details; see docs/errors.md for the codes. '
          + 'Cookie-authenticated requests that change data must send the header "X-Stoa-CSRF: 1".',
      },
      components: {
        securitySchemes: {
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Console session from POST /api/v1/session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from POST /api/v1/tokens' },
        },
      },
      security: [{ cookie: [] }, { bearer: [] }],
    },
  });

  app.get('/api/v1/openapi.json', {
    config: { access: 'public' },
    schema: {
      tags: ['meta'], summary: 'This OpenAPI document', security: [],
      response: { 200: Type.Object({}, { additionalProperties: true, description: 'OpenAPI 3 document' }), ...problemResponses },
    },
  }, async (_request, reply) => reply.type('application/json').send(JSON.stringify(app.swagger())));
}

export const openapi = fp(openapiPlugin, { name: 'stoa-openapi' });
