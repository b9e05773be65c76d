// What every DAV method and report handler receives: the caller, the
// services it may call, the resolved target and the request's body and
// headers. Handlers return a DavResponse; plugin.ts writes it.
import type { Account } from '../../../../shared/src/schemas/directory.ts';
import type { CalendarService } from '../../calendar/api.ts';
import type { CollectionService } from '../../collections/api.ts';
import type { StoaConfig } from '../../config/types.ts';
import type { ContactsService } from '../../contacts/api.ts';
import type { Actor } from '../../directory/api.ts';
import type { XmlLimits } from './wire/xml-parser.ts';
import type { XNode } from './wire/xml-writer.ts';
import type { Resource } from './resource.ts';

export interface DavServices {
  collections: CollectionService;
  calendar: CalendarService;
  contacts: ContactsService;
}

export interface DavContext {
  services: DavServices;
  config: StoaConfig['dav'];
  xmlLimits: XmlLimits;
  actor: Actor;
  account: Account;
  method: string;
  /** Decoded path below the server root, e.g. "/dav/calendars/a@b.c/work/x.ics". */
  path: string;
  target: Resource;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | null;
  /** Resolves another path (Destination of COPY/MOVE, hrefs of multiget). */
  resolve(path: string): Promise<Resource>;
  /** ms since the epoch. */
  now(): number;
}

export interface DavResponse {
  status: number;
  headers?: Record<string, string>;
  /** An XML document (multistatus, error, prop). */
  xml?: XNode;
  body?: string | Buffer;
}

export interface DavMethod {
  name: string;
  handle(ctx: DavContext): Promise<DavResponse>;
}

export function header(ctx: DavContext, name: string): string | undefined {
  const v = ctx.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
