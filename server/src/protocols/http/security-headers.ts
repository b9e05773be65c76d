// Response headers every answer of the HTTP listener carries (issue 16 item
// 12; OWASP Secure Headers and REST Security cheat sheets):
//
// - X-Content-Type-Options: nosniff everywhere, so a browser never runs a
//   JSON or text answer as script or style;
// - Cache-Control: no-store on the API and the probes: answers carry account
//   data and must not stay in shared or browser caches;
// - the console (/admin) gets a content security policy that allows only its
//   own origin and forbids framing (frame-ancestors, and X-Frame-Options for
//   older browsers): no clickjacking of admin actions;
// - every other answer a policy that allows nothing, since none is a page.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The console's policy: its own scripts, styles (Angular inlines component styles), images and API calls; no plugins, no framing. */
export const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** Answers that are not pages: nothing to load, nothing to frame. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const NO_STORE_PREFIXES = ['/api/', '/healthz', '/readyz', '/metrics'];

function isConsole(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

async function securityHeadersPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0];
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', isConsole(path) ? CONSOLE_CSP : API_CSP);
    if (NO_STORE_PREFIXES.some((p) => path.startsWith(p))) reply.header('cache-control', 'no-store');
    return payload;
  });
}

// Not encapsulated: the hook must see every route, the not-found handler's answers included.
export const securityHeaders = fp(securityHeadersPlugin, { name: 'stoa-security-headers' });
