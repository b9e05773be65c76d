// RFC 9457 problem details: the one place where every error of the admin API
// (domain errors, Fastify's own, and the unexpected) becomes a response.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, type ErrorCode, type FieldError, isStoaError } from '../../errors/catalogue.ts';
import { Problem } from '../../../../shared/src/schemas/common.ts';
import { fieldErrors } from './validation.ts';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://stoa.dev/errors/';

/** Seconds a client should wait when the store is down: long enough for a restart or failover. */
const STORE_RETRY_AFTER_SECONDS = 5;

interface Classified {
  code: ErrorCode;
  detail?: string | undefined;
  errors?: FieldError[] | undefined;
  retryAfterSeconds?: number | undefined;
}

// Fastify's own request errors, by code. Their messages describe the request,
// not the server, so they are safe to show as the detail.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'STOA_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'STOA_BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'STOA_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'STOA_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'STOA_VALIDATION',
  FST_ERR_BAD_URL: 'STOA_VALIDATION',
};

function classify(err: unknown): Classified {
  if (isStoaError(err)) {
    return { code: err.code, detail: err.detail, errors: err.errors, retryAfterSeconds: err.retryAfterSeconds };
  }
  const fe = err as Partial<FastifyError>;
  if (Array.isArray(fe.validation)) {
    return { code: 'STOA_VALIDATION', errors: fieldErrors(fe.validation, fe.validationContext ?? 'body') };
  }
  const mapped = typeof fe.code === 'string' ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return { code: mapped, detail: fe.message };
  return { code: 'STOA_INTERNAL' };
}

/** The problem document for an error code, as sent on the wire. */
export function problemBody(request: FastifyRequest, c: Classified): Problem {
  const spec = ERRORS[c.code];
  const body: Problem = {
    type: TYPE_BASE + c.code,
    title: spec.title,
    status: spec.status,
    instance: request.url,
    code: c.code,
  };
  if (c.detail) body.detail = c.detail;
  if (c.errors?.length) body.errors = c.errors;
  return body;
}

function retryAfter(c: Classified): number | undefined {
  if (c.code === 'STOA_STORE_UNAVAILABLE') return c.retryAfterSeconds ?? STORE_RETRY_AFTER_SECONDS;
  if (c.code === 'STOA_AUTH_THROTTLED' || c.code === 'STOA_RATE_LIMITED') return Math.max(1, Math.ceil(c.retryAfterSeconds ?? 1));
  return undefined;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, c: Classified): FastifyReply {
  const body = problemBody(request, c);
  const wait = retryAfter(c);
  if (wait !== undefined) reply.header('retry-after', String(wait));
  // Sent as a string so no route's success serializer touches it.
  return reply.code(body.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));
}

/** Installs the error and not-found handlers on the root instance. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const c = classify(err);
    const status = ERRORS[c.code].status;
    if (c.code === 'STOA_INTERNAL') {
      // The client gets only the code; the details stay in the log.
      request.log.error({ err }, 'unhandled error in admin API');
    } else if (status >= 500) {
      request.log.warn({ err, code: c.code }, 'admin API request failed');
    } else {
      request.log.info({ code: c.code, detail: c.detail }, 'admin API request refused');
    }
    return sendProblem(request, reply, c);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { code: 'STOA_ROUTE_NOT_FOUND', detail: `${request.method} ${request.url.split('?')[0]}` }));
}

/** OpenAPI/Fastify response entries for the problem document, to spread into every route's `response`. */
export const problemResponses = {
  '4xx': { description: 'Client error (RFC 9457 problem details)', content: { [PROBLEM_MEDIA_TYPE]: { schema: Problem } } },
  '5xx': { description: 'Server error; 503 carries Retry-After', content: { [PROBLEM_MEDIA_TYPE]: { schema: Problem } } },
} as const;
