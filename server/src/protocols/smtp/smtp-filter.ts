// The SMTP front end's connection-stage checks: the IP allow and deny lists
// for every listener, DNS blocklists for MX clients. A refusing decision is
// thrown as a FilterRefusal and becomes the greeting (421/554); checks of
// senders, recipients and messages belong to the intake service, which asks
// the filter itself (filter/message-checks.ts).
import { enforce, logDecision } from '../../filter/decision.ts';
import type { Dnsbl } from '../../filter/dnsbl.ts';
import type { IpLists } from '../../filter/ip-lists.ts';
import type { Logger } from '../../log/logger.ts';
import type { ListenerKind } from './smtp-metrics.ts';

export interface ConnectionCheckComponents {
  ipLists: IpLists;
  dnsbl: Dnsbl;
}

export interface SmtpFilter {
  /** IP allow/deny for every listener, DNSBL for MX; `trusted` (allow-listed) skips blocklists and greylisting. */
  checkConnection(s: { ip: string; listener: ListenerKind; log: Logger }): Promise<{ trusted: boolean; reason: string }>;
}

export function createSmtpFilter(c: ConnectionCheckComponents): SmtpFilter {
  return {
    async checkConnection({ ip, listener, log }) {
      const listed = logDecision(log, c.ipLists.checkConnection(ip), { ip, listener });
      enforce(listed);
      if (c.ipLists.allowed(ip)) return { trusted: true, reason: listed.reason };
      // Blocklists judge MX clients; submission clients prove themselves with AUTH.
      if (listener === 'smtp') enforce(logDecision(log, await c.dnsbl.check(ip), { ip, listener }));
      return { trusted: false, reason: 'not listed' };
    },
  };
}
