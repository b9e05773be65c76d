// The DAV front end as a Fastify plugin on the HTTP listener: /dav/… for
// CalDAV (RFC 4791) and CardDAV (RFC 6352) over WebDAV (RFC 4918), and the
// RFC 6764 well-known addresses. One gate (gate()) authenticates, resolves
// the target and dispatches to the handler of the method (methods/*.ts);
// errors become DAV answers (dav-errors.ts). Bodies are read as bytes up to
// dav.maxRequestBytes and parsed by the handlers (wire/).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoaConfig } from '../../config/types.ts';
import type { Directory } from '../../directory/api.ts';
import type { ChangeBus } from '../../events/change-bus.ts';
import type { DavContext, DavMethod, DavResponse, DavServices } from './context.ts';
import { createDavAuth } from './dav-auth.ts';
import { errorResponse } from './dav-errors.ts';
import { copy, move } from './methods/copy-move.ts';
import { del } from './methods/delete.ts';
import { get, head } from './methods/get.ts';
import { mkcalendar, mkcol } from './methods/mkcol.ts';
import { ALLOWED, DAV_CLASSES, options } from './methods/options.ts';
import { propfind } from './methods/propfind.ts';
import { proppatch } from './methods/proppatch.ts';
import { put } from './methods/put.ts';
import { report } from './methods/report.ts';
import { post } from './methods/post.ts';
import { ROOT, principalHref, resolveResource, type Resource } from './resource.ts';
import { DEFAULT_XML_LIMITS, type XmlLimits } from './wire/xml-parser.ts';
import { serializeDocument } from './wire/xml-writer.ts';

export const METHODS: ReadonlyMap<string, DavMethod> = new Map([options, propfind, proppatch, mkcol, mkcalendar, get, head, put, del, copy, move, report, post].map((m) => [m.name, m]));

const BODY_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'REPORT', 'COPY', 'MOVE'];

export interface DavPluginOptions {
  config: StoaConfig;
  directory: Directory;
  services: DavServices;
  /** Account events end remembered Basic logins at once (dav-auth.ts). */
  bus?: ChangeBus;
  now?: () => number;
}

function flavourOf(res: Resource | null): 'calendar' | 'addressbook' | null {
  if (!res) return null;
  if (res.type === 'collection' || res.type === 'object' || res.type === 'home') return res.kind === 'files' ? null : res.kind;
  if (res.type === 'missing' && res.parent) return flavourOf(res.parent);
  if (res.type === 'directory' || res.type === 'directory-object') return 'addressbook';
  return null;
}

function send(reply: FastifyReply, res: DavResponse): FastifyReply {
  reply.code(res.status);
  reply.header('dav', DAV_CLASSES);
  for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
  if (res.xml) return reply.type('application/xml; charset=utf-8').send(serializeDocument(res.xml));
  if (res.body !== undefined) return reply.send(res.body);
  return reply.send();
}

export async function davPlugin(app: FastifyInstance, opts: DavPluginOptions): Promise<void> {
  const { config, directory, services } = opts;
  const now = opts.now ?? Date.now;
  const auth = createDavAuth({ config, directory, ...(opts.bus ? { bus: opts.bus } : {}), now });
  app.addHook('onClose', async () => auth.close());
  const xmlLimits: XmlLimits = { ...DEFAULT_XML_LIMITS, maxBytes: config.dav.maxRequestBytes };

  for (const m of [...BODY_METHODS, 'MKCALENDAR']) {
    if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
  }

  await app.register(async (dav) => {
    // Every body is read as bytes (calendar, vCard or XML); handlers parse it.
    dav.removeAllContentTypeParsers();
    dav.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.dav.maxRequestBytes }, (_req, body, done) => done(null, body));

    // The resolved target of each request, for the error handler's precondition namespace.
    const targets = new WeakMap<FastifyRequest, Resource>();
    dav.setErrorHandler((err, request, reply) => {
      const fe = err as { code?: string; statusCode?: number };
      if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, { status: 413, body: `request body larger than ${config.dav.maxRequestBytes} bytes\n` });
      const mapped = errorResponse(err, flavourOf(targets.get(request) ?? null));
      if (mapped) {
        if (mapped.status >= 500) request.log.warn({ err }, 'DAV request failed');
        return send(reply, mapped);
      }
      if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return send(reply, { status: fe.statusCode, body: `${(err as Error).message}\n` });
      request.log.error({ err }, 'unhandled error in DAV request');
      return send(reply, { status: 500, body: 'internal server error\n' });
    });

    async function gate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
      const method = METHODS.get(request.method);
      if (!method) return send(reply, { status: 405, headers: { allow: ALLOWED } });
      const path = request.url.split('?')[0];
      // OPTIONS answers before authentication, so clients can discover what the server speaks.
      if (request.method === 'OPTIONS') return send(reply, await options.handle({} as DavContext));
      const { account, actor } = await auth.authenticate(request);
      const resolve = (p: string) => resolveResource(services, actor, p);
      const target = await resolve(path);
      targets.set(request, target);
      const ctx: DavContext = {
        services, config: config.dav, xmlLimits, actor, account, method: request.method, path, target,
        headers: request.headers, body: Buffer.isBuffer(request.body) ? request.body : null, resolve, now,
      };
      return send(reply, await method.handle(ctx));
    }

    const routeConfig = { access: 'public' as const };
    // DAV is not part of the admin API's OpenAPI document (docs/dav.md describes it).
    const schema = { hide: true };
    const all = [...METHODS.keys()];
    dav.route({ method: all, url: '/dav', config: routeConfig, schema, handler: gate });
    dav.route({ method: all, url: '/dav/*', config: routeConfig, schema, handler: gate });

    // RFC 6764 §5: the well-known addresses lead to the DAV root; clients then ask it for current-user-principal.
    const wellKnown = async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method === 'PROPFIND') {
        const { account } = await auth.authenticate(request);
        return reply.code(301).header('location', principalHref(account)).send();
      }
      return reply.code(301).header('location', ROOT).send();
    };
    for (const url of ['/.well-known/caldav', '/.well-known/carddav']) {
      dav.route({ method: ['GET', 'HEAD', 'PROPFIND', 'OPTIONS'], url, config: routeConfig, schema, handler: wellKnown });
    }
    // Some clients (DAVx5, Thunderbird) try the server root before the well-known address.
    dav.route({ method: ['PROPFIND'], url: '/', config: routeConfig, schema, handler: async (request, reply) => {
      const { account, actor } = await auth.authenticate(request);
      const resolve = (p: string) => resolveResource(services, actor, p);
      const rootTarget: Resource = { type: 'root', href: '/' };
      return send(reply, await propfind.handle({
        services, config: config.dav, xmlLimits, actor, account, method: 'PROPFIND', path: '/', target: rootTarget,
        headers: { ...request.headers, depth: '0' }, body: Buffer.isBuffer(request.body) ? request.body : null, resolve, now,
      }));
    } });
  });
}
