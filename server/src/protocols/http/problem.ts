// RFC 9457 problem details: the one place where every error of the admin API
// (domain errors, Fastify's own, and the unexpected) becomes a response.
// Answers never repeat the request URL (issue 16 item 12), and a fault on the
// server's side carries a reference id instead of its detail (item 13).
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, type ErrorCode, type FieldError, isStoaError } from '../../errors/catalogue.ts';
import { isServerFault, newReference } from '../../errors/incident.ts';
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
  /** The id of the log line that holds a server fault's detail. */
  reference?: string | undefined;
}

// Fastify's own request errors, by code. Their messages describe the request,
// not the server, so they are safe to show as the detail.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'STOA_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'STOA_BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'STOA_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'STOA_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'STOA_VALIDATION',
};

// The router's refusals quote the URL in their message: answered with a fixed detail.
const URL_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  FST_ERR_BAD_URL: { code: 'STOA_VALIDATION', detail: 'the URL is not valid (bad percent-encoding?)' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'STOA_URI_TOO_LONG', detail: 'a path segment is longer than 1000 characters' },
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
  const url = typeof fe.code === 'string' ? URL_ERRORS[fe.code] : undefined;
  if (url) return url;
  return { code: 'STOA_INTERNAL' };
}

/** The problem document for an error code, as sent on the wire. */
export function problemBody(request: FastifyRequest, c: Classified): Problem {
  const spec = ERRORS[c.code];
  // No `instance`: it would repeat the request URL, which the client already has.
  const body: Problem = { type: TYPE_BASE + c.code, title: spec.title, status: spec.status, code: c.code };
  if (c.detail) body.detail = c.detail;
  if (c.errors?.length) body.errors = c.errors;
  if (c.reference) body.reference = c.reference;
  return body;
}

function retryAfter(c: Classified): number | undefined {
  if (c.code === 'STOA_STORE_UNAVAILABLE') return c.retryAfterSeconds ?? STORE_RETRY_AFTER_SECONDS;
  if (c.code === 'STOA_AUTH_THROTTLED' || c.code === 'STOA_RATE_LIMITED') return Math.max(1, Math.ceil(c.retryAfterSeconds ?? 1));
  return undefined;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, c: Classified): FastifyReply {
  const body = problemBody(request, c);
  reply.header('cache-control', 'no-store');
  const wait = retryAfter(c);
  if (wait !== undefined) reply.header('retry-after', String(wait));
  // Sent as a string so no route's success serializer touches it.
  return reply.code(body.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));
}

/** Logs a failed request; a server fault's detail goes only to the log, under a reference the answer carries. */
function logged(request: FastifyRequest, err: unknown, c: Classified): Classified {
  if (!isServerFault(err) && isStoaError(err)) {
    request.log.info({ code: c.code, detail: c.detail }, 'admin API request refused');
    return c;
  }
  if (!isStoaError(err) && c.code !== 'STOA_INTERNAL') {
    // Fastify's own request errors (bad JSON, too large …): the client's doing.
    request.log.info({ code: c.code }, 'admin API request refused');
    return c;
  }
  const reference = newReference();
  if (c.code === 'STOA_INTERNAL') request.log.error({ err, ref: reference }, 'unhandled error in admin API');
  else request.log.warn({ err, code: c.code, ref: reference }, 'admin API request failed');
  return { code: c.code, errors: undefined, detail: undefined, retryAfterSeconds: c.retryAfterSeconds, reference };
}

/** Installs the error and not-found handlers on the root instance. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => sendProblem(request, reply, logged(request, err, classify(err))));
  // The method and path are not repeated: a reflected URL is a gift to anyone crafting links.
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, { code: 'STOA_ROUTE_NOT_FOUND' }));
}

/** Fastify's `frameworkErrors` option: the router's URL refusals as problem documents. */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const c = classify(err);
  request.log.info({ code: c.code }, 'admin API request refused');
  void sendProblem(request, reply, c);
}

/**
 * Node's HTTP parser refusals (headers too large, malformed requests) arrive
 * before Fastify sees a request: answered as problem documents too, then the
 * connection is closed (its framing can no longer be trusted).
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (socket.destroyed || !socket.writable) return;
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const code: ErrorCode = tooLarge ? 'STOA_HEADERS_TOO_LARGE' : 'STOA_VALIDATION';
  const spec = ERRORS[code];
  const body = JSON.stringify({ type: TYPE_BASE + code, title: spec.title, status: spec.status, code, ...(tooLarge ? {} : { detail: 'malformed HTTP request' }) });
  socket.end(`HTTP/1.1 ${spec.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
}

/** OpenAPI/Fastify response entries for the problem document, to spread into every route's `response`. */
export const problemResponses = {
  '4xx': { description: 'Client error (RFC 9457 problem details)', content: { [PROBLEM_MEDIA_TYPE]: { schema: Problem } } },
  '5xx': { description: 'Server error; 503 carries Retry-After', content: { [PROBLEM_MEDIA_TYPE]: { schema: Problem } } },
} as const;
