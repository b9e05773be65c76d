// iMIP out (RFC 6047): an invitation, reply or cancellation as a mail
// message (text/plain for people, text/calendar with its METHOD for their
// calendar programs), handed to the intake like any message a user sends:
// origin 'calendar', the organizer (or answering attendee) as principal, so
// it is DKIM-signed for their domain, passes the outbound filter, and local
// recipients reached by mail (groups, aliases) get it through delivery. For
// a shared mailbox's calendar the server sends as the shared mailbox, which
// it does only for writers who may speak for it (scheduling.ts).
import { randomBytes } from 'node:crypto';
import { actorFor, systemActor } from '../directory/access.ts';
import type { AccountService, Actor } from '../directory/api.ts';
import type { SharedMailboxService } from '../directory/shared-mailbox-api.ts';
import { isStoaError } from '../errors/catalogue.ts';
import type { IntakeService } from '../intake/api.ts';
import { bufferSource } from '../intake/message-source.ts';
import type { Logger } from '../log/logger.ts';
import type { ImipMessage, ImipSender } from './scheduling.ts';

export interface ImipOutboundDeps {
  intake: Pick<IntakeService, 'accept'>;
  /** The sending account, whose principal the message goes out as… */
  accounts: Pick<AccountService, 'get'>;
  /** …or the shared mailbox (a principal of its own address, which nobody logs in as). */
  sharedMailboxes: Pick<SharedMailboxService, 'get'>;
  hostname: string;
  log: Logger;
  now?: () => number;
}

/** RFC 2047 encoded-word when the subject is not plain ASCII. */
function subjectHeader(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export function buildImipMessage(m: Omit<ImipMessage, 'senderId'>, hostname: string, now: number): Buffer {
  const boundary = `stoa-${randomBytes(9).toString('hex')}`;
  const verb = m.method === 'REQUEST' ? 'Invitation' : m.method === 'REPLY' ? 'Reply' : 'Cancelled';
  const ics = m.ics.replace(/\r?\n/g, '\r\n');
  const lines = [
    `From: <${m.from}>`,
    `To: ${m.to.map((a) => `<${a}>`).join(', ')}`,
    `Subject: ${subjectHeader(`${verb}: ${m.summary}`)}`,
    `Date: ${new Date(now).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${hostname}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `${verb}: ${m.summary}`,
    `--${boundary}`,
    // RFC 6047 §2.4: the method parameter matches the METHOD property.
    `Content-Type: text/calendar; charset=utf-8; method=${m.method}`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(ics, 'utf8').toString('base64').match(/.{1,76}/g) ?? []),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function createImipSender(deps: ImipOutboundDeps): ImipSender {
  const now = deps.now ?? Date.now;

  async function principalOf(senderId: string): Promise<Actor> {
    try {
      return actorFor(await deps.accounts.get(systemActor(), senderId), null);
    } catch (err) {
      if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
    }
    const shared = await deps.sharedMailboxes.get(systemActor(), senderId);
    return { id: shared.id, login: shared.address, role: 'user', adminDomainIds: [], ip: null };
  }
  return async (m) => {
    const result = await principalOf(m.senderId).then((principal) => deps.intake.accept({
      envelope: { sender: m.from, recipients: m.to.map((address) => ({ address })) },
      message: bufferSource(buildImipMessage(m, deps.hostname, now())),
      principal,
      origin: { kind: 'calendar', log: deps.log },
    })).catch((err: unknown) => {
      // Refused as a whole (the outbound filter, a locked account …): every recipient failed.
      deps.log.warn({ err, method: m.method, to: m.to }, 'iMIP message refused');
      const code = isStoaError(err) ? err.code : (err as Error).name;
      return { outcomes: m.to.map((address) => ({ address, status: 'failed' as const, code })) };
    });
    const out: Record<string, 'sent' | 'held' | 'failed'> = {};
    for (const o of result.outcomes) out[o.address.toLowerCase()] = o.status === 'failed' ? 'failed' : o.status === 'held' ? 'held' : 'sent';
    return out;
  };
}
