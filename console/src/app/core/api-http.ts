// The one HTTP door of the console: every feature's API client calls these
// methods with a path under /api/v1. Answers are Promises (one value each);
// failures are ApiProblem. The CSRF header the server asks of cookie
// requests that change data is added here, so no client can forget it.
import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { problemFrom } from './problem';

export const API_BASE = '/api/v1';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;
/** "METHOD /path/{param}" relative to /api/v1, as listed in a feature's *.endpoints.ts. */
export type Endpoint = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

function params(query: Query | undefined): HttpParams {
  let p = new HttpParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    p = p.set(k, String(v));
  }
  return p;
}

/** `/accounts/{id}` with `{ id: 'a@b' }` → `/accounts/a%40b`. */
export function fillPath(template: string, values: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(v);
  });
}

@Injectable({ providedIn: 'root' })
export class ApiHttp {
  readonly #http = inject(HttpClient);
  readonly #headers = { 'x-stoa-csrf': '1' };

  async get<T>(path: string, query?: Query): Promise<T> {
    return this.#run(this.#http.get<T>(API_BASE + path, { params: params(query) }));
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#run(this.#http.post<T>(API_BASE + path, body, { headers: this.#headers }));
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return this.#run(this.#http.put<T>(API_BASE + path, body, { headers: this.#headers }));
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return this.#run(this.#http.patch<T>(API_BASE + path, body, { headers: this.#headers }));
  }

  async delete(path: string): Promise<void> {
    await this.#run(this.#http.delete(API_BASE + path, { headers: this.#headers }));
  }

  /**
   * Calls an endpoint written as in the feature's endpoint table
   * ("PATCH /accounts/{id}"); the table is what test/console/openapi-clients
   * checks against /api/v1/openapi.json.
   */
  async call<T>(endpoint: Endpoint, opts: { path?: Record<string, string>; query?: Query; body?: unknown } = {}): Promise<T> {
    const [method, template] = endpoint.split(' ') as [string, string];
    const path = fillPath(template, opts.path);
    switch (method) {
      case 'GET': return this.get<T>(path, opts.query);
      case 'POST': return this.post<T>(path, opts.body);
      case 'PUT': return this.put<T>(path, opts.body);
      case 'PATCH': return this.patch<T>(path, opts.body);
      case 'DELETE': return this.delete(path) as Promise<T>;
      default: throw new Error(`unknown method in ${endpoint}`);
    }
  }

  /** The bytes a GET answers (a held message, message/rfc822): for the few calls whose answer is not JSON. */
  async bytes(endpoint: Endpoint & `GET ${string}`, opts: { path?: Record<string, string> } = {}): Promise<ArrayBuffer> {
    const template = endpoint.slice('GET '.length);
    return this.#run(this.#http.get(API_BASE + fillPath(template, opts.path), { responseType: 'arraybuffer' }));
  }

  async #run<T>(request: import('rxjs').Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (err) {
      throw problemFrom(err);
    }
  }
}
