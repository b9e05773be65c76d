// Who sees which message-trace events (the console's live trace): the rule
// lives here, not in the WebSocket front end. Server admins see every event;
// a domain admin sees the events that involve their domains (and their alias
// domains), with other domains' recipients cut and the client IP shown only
// when the sender is theirs; users see none. The domain scope is read from
// current data when watching starts (the front end watches again with a
// fresh actor when it re-checks the session).
import type { Actor } from '../directory/api.ts';
import { requireAdmin } from '../directory/access.ts';
import type { DomainStore } from '../store/port.ts';
import type { TraceBus, TraceEvent, TraceListener } from './trace-bus.ts';

export interface TraceService {
  /** Calls `listener` with each event the actor may see, as it happens; resolves to the function that stops watching. */
  watch(actor: Actor, listener: TraceListener): Promise<() => void>;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The part of an event a domain admin may see: only their domains' addresses, or nothing (null). */
export function scopeTrace(event: TraceEvent, domains: ReadonlySet<string> | null): TraceEvent | null {
  if (!domains) return event;
  const recipients = event.recipients.filter((r) => domains.has(domainOf(r)));
  const senderOurs = event.sender !== '' && domains.has(domainOf(event.sender));
  if (!senderOurs && recipients.length === 0) return null;
  return { ...event, recipients: senderOurs ? event.recipients : recipients, ip: senderOurs ? event.ip : null };
}

export function createTraceService(deps: { bus: TraceBus; domains: Pick<DomainStore, 'get' | 'aliasesOf'> }): TraceService {
  /** Lower-cased names of the domains an admin manages, with their alias domains; null for everything. */
  async function scopeOf(actor: Actor): Promise<Set<string> | null> {
    requireAdmin(actor, 'watch the message trace');
    if (actor.id === null || actor.role === 'server-admin') return null;
    const names = new Set<string>();
    for (const id of actor.adminDomainIds) {
      const domain = await deps.domains.get(id);
      if (!domain) continue;
      names.add(domain.name.toLowerCase());
      for (const alias of await deps.domains.aliasesOf(id)) names.add(alias.name.toLowerCase());
    }
    return names;
  }

  return {
    async watch(actor, listener) {
      const scope = await scopeOf(actor);
      return deps.bus.subscribe((event) => {
        const visible = scopeTrace(event, scope);
        if (visible) listener(visible);
      });
    },
  };
}
