// The HTTP client of the CalDAV/CardDAV and EWS sources, on node:http and
// node:https rather than fetch for two things fetch cannot do here: turning
// certificate verification off for a server with a private CA when the
// operator asks (--insecure), and handing the response body on as a stream
// with back-pressure (EWS MimeContent of a 50 MB message). Keep-alive
// agents per source; every failure becomes a SourceError the engine knows
// how to retry (429/503 and Retry-After are "busy", RFC 9110 §10.2.3).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isConnectionError, SourceError } from './source.ts';

export interface HttpOptions {
  verifyCertificate?: boolean;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body as a stream; read it or call `discard()`. */
  body: IncomingMessage;
  text(limit?: number): Promise<string>;
  discard(): void;
}

export interface HttpClient {
  request(method: string, url: string, options: { headers?: Record<string, string>; body?: string | Buffer; signal?: AbortSignal }): Promise<HttpResponse>;
  close(): void;
}

/** Largest response body read as text (a bounded read). */
export const MAX_TEXT_BODY = 64 * 1024 * 1024;

/** Seconds or an HTTP date (RFC 9110 §10.2.3) → milliseconds, or null. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function createHttpClient(options: HttpOptions = {}): HttpClient {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: 8 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: options.verifyCertificate !== false }),
  };
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    request(method, url, { headers = {}, body, signal }) {
      return new Promise<HttpResponse>((resolve, reject) => {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          reject(new SourceError('fatal', `not a URL: ${url}`));
          return;
        }
        const https = target.protocol === 'https:';
        const send = https ? httpsRequest : httpRequest;
        const req = send(target, {
          method, agent: https ? agents.https : agents.http, signal,
          headers: { 'user-agent': 'Stoa-Migration', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        }, (res) => {
          const response: HttpResponse = {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: res,
            async text(limit = MAX_TEXT_BODY) {
              const chunks: Buffer[] = [];
              let size = 0;
              for await (const chunk of res) {
                size += (chunk as Buffer).length;
                if (size > limit) {
                  res.destroy();
                  throw new SourceError('fatal', `${method} ${url}: response larger than ${limit} bytes`);
                }
                chunks.push(chunk as Buffer);
              }
              return Buffer.concat(chunks).toString('utf8');
            },
            discard() {
              res.resume();
            },
          };
          resolve(response);
        });
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer from ${target.host} within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
        req.on('error', (err) => {
          const transient = isConnectionError(err) || (err as NodeJS.ErrnoException).code === 'ECONNRESET';
          reject(new SourceError(transient ? 'transient' : 'fatal', `${method} ${target.origin}${target.pathname}: ${err.message}`, { cause: err }));
        });
        if (body !== undefined) req.end(body);
        else req.end();
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** Maps an HTTP status to the engine's view of it; null when it is a success. */
export function statusError(res: HttpResponse, what: string): SourceError | null {
  const s = res.status;
  if (s >= 200 && s < 300) return null;
  if (s === 401 || s === 403) return new SourceError('auth', `${what}: HTTP ${s} (wrong credentials or no access)`);
  if (s === 429 || s === 503) return new SourceError('busy', `${what}: HTTP ${s} (server busy)`, { retryAfterMs: retryAfterMs(res.headers['retry-after']) });
  if (s === 502 || s === 504 || s >= 500) return new SourceError('transient', `${what}: HTTP ${s}`);
  return new SourceError('fatal', `${what}: HTTP ${s}`);
}
