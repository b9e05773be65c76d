// The admin console's files at /admin (the Angular build in
// dist/console/browser, or console.distDir), and / redirecting there.
// Served pre-compressed (brotli and gzip files written by `npm run build`,
// chosen by Accept-Encoding). Hashed file names (main-3KQ2ZC4H.js) are
// cached for a year as immutable; index.html is revalidated every time so a
// new build is picked up at once. Deep links (/admin/accounts/x) get
// index.html so the console's router can show them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { ConsoleSettings } from '../../config/types.ts';

export const CONSOLE_PATH = '/admin/';

/** dist/console/browser of this installation (two levels above server/src). */
export function defaultConsoleDir(): string {
  return resolve(fileURLToPath(new URL('../../../../dist/console/browser', import.meta.url)));
}

// Security headers (the console's content security policy, no framing,
// nosniff, referrer policy) come from security-headers.ts, which every answer
// of the listener goes through; this file sets only what caching needs.

const ASSET = /\.(?:js|mjs|css|map|svg|png|ico|jpe?g|webp|woff2?|txt|webmanifest|br|gz)$/i;
const HASHED = /-[A-Za-z0-9_-]{8}\.(js|css|woff2?)(\.br|\.gz)?$/;

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Stoa console not built</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The Stoa console has not been built</h1>
<p>Run <code>npm run build</code> in the Stoa directory (or start Stoa with <code>npm start</code>, which builds it when it is missing), then reload this page.</p>
<p>The admin API is available at <a href="/api/v1/openapi.json">/api/v1/</a>.</p></body></html>`;

export async function consoleSite(app: FastifyInstance, opts: { config: ConsoleSettings }): Promise<void> {
  const root = opts.config.distDir ?? defaultConsoleDir();
  const built = existsSync(join(root, 'index.html'));
  const config = { access: 'public' as const };
  const schema = { hide: true };

  // The console's files need no credential (the gate's default is admin-only), and are not part of the API document.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), access: 'public' };
    route.schema = { ...(route.schema ?? {}), hide: true };
  });

  app.get('/', { config, schema }, async (_request, reply) => reply.redirect(CONSOLE_PATH, 302));

  if (!built) {
    app.log.warn({ root }, 'the admin console is not built: /admin shows how to build it (npm run build)');
    const notBuilt = async (_request: unknown, reply: FastifyReply) => {
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
    };
    // The router ignores trailing slashes: "/admin" also answers "/admin/".
    app.get('/admin', { config, schema }, notBuilt);
    app.get('/admin/*', { config, schema }, notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: CONSOLE_PATH,
    // One route per built file, found at start-up; everything else falls to the deep-link route below.
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader('cache-control', HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const index = async (_request: unknown, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  // The router ignores trailing slashes: "/admin" also answers "/admin/" (index.html's <base href> fixes relative URLs).
  app.get('/admin', { config, schema }, index);
  app.get('/admin/*', { config, schema }, async (request, reply) => {
    // A missing asset is a 404, not the page: a stale index.html must not get HTML for its script.
    // (Only real asset types: deep links such as /admin/domains/example.com end in a dot-name too.)
    if (ASSET.test(request.url.split('?')[0])) return reply.code(404).header('cache-control', 'no-store').type('text/plain').send('Not found');
    return index(request, reply);
  });
}
