// RFC 9457 problem details as the console shows them. Every failed API call
// becomes an ApiProblem: a message for the page, and field messages keyed by
// the JSON Pointer the server sent (`/body/address` → `address`) so forms can
// put them next to the right field.
import { HttpErrorResponse } from '@angular/common/http';
import type { Problem } from '@shared/schemas/common.ts';

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | null;
  /** Field messages by dotted path below the request part: `forwardTo.1`, `address`. */
  readonly fields: ReadonlyMap<string, string>;
  readonly retryAfterSeconds: number | null;

  constructor(init: { status: number; code: string; title: string; detail?: string | null; fields?: Map<string, string>; retryAfterSeconds?: number | null }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.name = 'ApiProblem';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.fields = init.fields ?? new Map();
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** One line for a banner or a snack bar. */
  get summary(): string {
    return this.detail ? `${this.title}: ${this.detail}` : this.title;
  }
}

/** The request parts schema validation names first (`/body/…`); a service's own field errors start at the field (`/forwardTo`). */
const REQUEST_PARTS = new Set(['body', 'querystring', 'params', 'headers']);

/** `/body/forwardTo/1` and `/forwardTo/1` → `forwardTo.1` (RFC 6901 tokens unescaped); the request part is dropped. */
export function fieldOfPointer(pointer: string): string {
  const tokens = pointer.split('/').slice(1).map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
  return (REQUEST_PARTS.has(tokens[0] ?? '') ? tokens.slice(1) : tokens).join('.');
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).code === 'string' && typeof (value as Problem).status === 'number';
}

export function problemFrom(err: unknown): ApiProblem {
  if (err instanceof ApiProblem) return err;
  if (err instanceof HttpErrorResponse) {
    let body: unknown = err.error;
    if (typeof body === 'string') {
      try { body = JSON.parse(body); } catch { /* not JSON: a proxy's error page */ }
    }
    const retry = Number(err.headers?.get('retry-after'));
    const retryAfterSeconds = Number.isFinite(retry) && retry > 0 ? retry : null;
    if (isProblem(body)) {
      const fields = new Map<string, string>();
      for (const e of body.errors ?? []) fields.set(fieldOfPointer(e.path), e.message);
      return new ApiProblem({ status: body.status, code: body.code, title: body.title, detail: body.detail ?? null, fields, retryAfterSeconds });
    }
    if (err.status === 0) {
      return new ApiProblem({ status: 0, code: 'NETWORK', title: 'The server cannot be reached', detail: 'Check the connection and try again' });
    }
    return new ApiProblem({ status: err.status, code: `HTTP_${err.status}`, title: err.statusText || 'Request failed', retryAfterSeconds });
  }
  return new ApiProblem({ status: 0, code: 'CLIENT', title: 'Something went wrong in the console', detail: err instanceof Error ? err.message : String(err) });
}
