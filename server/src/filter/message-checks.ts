// The filter's checks as the intake service asks for them (intake/api.ts):
// the sending rate of an authenticated principal, greylisting of mail from
// outside at RCPT time, and the SPF/DKIM/DMARC/ARC verdict on a whole
// message. Each decision is logged with its reason (decision.ts); a refusal
// is thrown as a FilterRefusal, which every front end maps to its reply.
import type { Readable } from 'node:stream';
import type { Actor } from '../directory/api.ts';
import type { Logger } from '../log/logger.ts';
import type { InboundAuthenticator } from '../mail-auth/inbound.ts';
import { enforce, logDecision } from './decision.ts';
import type { Greylist } from './greylist.ts';
import type { IpLists } from './ip-lists.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Where the message comes from, as far as the checks care. */
export interface CheckOrigin {
  ip?: string | null;
  helo?: string | null;
  /** The client is on the IP allow list. */
  trusted?: boolean;
  log: Logger;
}

/** The verdict on a message from outside: accept or file in Junk; a refusal is thrown. */
export interface InboundVerdict {
  action: 'accept' | 'junk';
  reason: string;
  /** Authentication-Results (and Received-SPF) fields, CRLF-terminated, to prepend. */
  headers: string;
}

export interface MessageChecks {
  /** MAIL FROM on submission: the principal's sending rate (counts the message when allowed). */
  submission(input: { principal: Actor; origin: CheckOrigin; sender: string }): Promise<void>;
  /** RCPT TO from outside: greylisting. Allow-listed clients skip it. */
  recipient(input: { origin: CheckOrigin; sender: string; recipient: string }): Promise<void>;
  /** The whole message from outside: SPF, DKIM, DMARC, ARC (the allow list does not skip these). */
  inbound(input: { origin: CheckOrigin; sender: string; message: () => Readable }): Promise<InboundVerdict>;
}

export interface MessageCheckComponents {
  ipLists: IpLists;
  greylist: Greylist;
  rateLimiter: RateLimiter;
  inbound: InboundAuthenticator;
}

export function createMessageChecks(c: MessageCheckComponents): MessageChecks {
  return {
    async submission({ principal, origin, sender }) {
      if (principal.id === null) return;
      enforce(logDecision(origin.log, await c.rateLimiter.checkSubmission(principal.id), { ip: origin.ip, account: principal.login, sender }));
    },

    async recipient({ origin, sender, recipient }) {
      if (origin.trusted || (origin.ip && c.ipLists.allowed(origin.ip))) return;
      enforce(logDecision(origin.log, await c.greylist.check({ ip: origin.ip ?? '', mailFrom: sender, recipient }), { ip: origin.ip, sender, recipient }));
    },

    async inbound({ origin, sender, message }) {
      const result = await c.inbound.authenticateInbound({ message: message(), ip: origin.ip ?? '', helo: origin.helo ?? '', mailFrom: sender });
      const decision = logDecision(origin.log, result.decision, { ip: origin.ip, sender, spf: result.spf.result, dmarc: result.dmarc?.result ?? 'none' });
      enforce(decision);
      return { action: decision.action === 'junk' ? 'junk' : 'accept', reason: decision.reason, headers: result.headers };
    },
  };
}
