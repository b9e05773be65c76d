// Calendar parts of delivered mail (iMIP, RFC 6047): after a message is
// stored for local accounts, its scheduling message — the first text/calendar
// part with a METHOD, outside any attached message — is handed to the
// calendar (CalendarMessages, api.ts) once per account that got a copy
// outside Junk. Mail the filter judged spam, the server's own notices and
// messages larger than dav.imipMaxMessageBytes are not looked at. Parsing
// is bounded (parts, depth) and never fails the delivery.
import { headerFields, firstField, unfoldValue } from '../mail/mime/header-fields.ts';
import { decodePart } from '../mail/mime/decode-body.ts';
import { parseStructure } from '../mail/mime/structure-parser.ts';
import type { MimePart } from '../mail/mime/types.ts';
import type { Actor } from '../directory/api.ts';
import type { CalendarMessages, IntakeOrigin, MessageSource } from './api.ts';
import type { LocalCopy } from './recipients.ts';
import { fromAddresses } from './sender-policy.ts';

const LIMITS = { maxDepth: 20, maxParts: 500 };

/** The first text/calendar part with a METHOD (RFC 6047 §2.4), decoded; null when there is none. */
export function schedulingPart(raw: Buffer): { method: string; ics: string } | null {
  const { root } = parseStructure(raw, LIMITS, () => undefined);
  // Depth first in section order, not into attached messages (a forwarded invitation is not one to us).
  const stack: MimePart[] = [root];
  while (stack.length > 0) {
    const part = stack.pop()!;
    for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i]);
    if (part.contentType.type !== 'text' || part.contentType.subtype !== 'calendar') continue;
    const ics = decodePart(raw, part).text ?? '';
    // RFC 6047 §2.4: the METHOD property and the method parameter agree; the property is what counts.
    const method = /^METHOD:[ \t]*([A-Za-z-]+)[ \t]*\r?$/m.exec(ics.replace(/\r?\n[ \t]/g, ''))?.[1]?.toUpperCase();
    if (method) return { method, ics };
    // Some senders (Notes) give only the parameter: the object gets the METHOD it was sent as.
    const param = /^[A-Za-z-]+$/.test(part.contentType.params.method ?? '') ? part.contentType.params.method.toUpperCase() : null;
    if (param && /^BEGIN:VCALENDAR\r?\n/i.test(ics)) return { method: param, ics: ics.replace(/^(BEGIN:VCALENDAR\r?\n)/i, `$1METHOD:${param}\r\n`) };
  }
  return null;
}

/** Whether a message may hold a calendar part at all, from its top-level Content-Type. */
function mayCarryCalendar(header: Buffer): boolean {
  const ct = firstField(headerFields(header), 'content-type');
  return !!ct && /^\s*(multipart\/|text\/calendar)/i.test(unfoldValue(ct.value));
}

export async function handOnCalendarParts(calendar: CalendarMessages, input: {
  message: MessageSource; header: Buffer; sender: string; principal: Actor | null; origin: IntakeOrigin;
  targets: readonly LocalCopy[]; maxBytes: number;
}): Promise<void> {
  const { message, header, origin } = input;
  if (input.targets.length === 0 || origin.kind === 'notice' || !mayCarryCalendar(header)) return;
  if (message.size > input.maxBytes) {
    origin.log.info({ size: message.size }, 'calendar part not applied: the message is larger than dav.imipMaxMessageBytes');
    return;
  }
  let part: { method: string; ics: string } | null;
  try {
    part = schedulingPart(await message.buffer());
  } catch (err) {
    origin.log.warn({ err }, 'calendar part not readable');
    return;
  }
  if (!part) return;
  const from = fromAddresses(header)?.[0] ?? null;
  for (const t of input.targets) {
    const outcome = await calendar.receive({
      accountId: t.accountId, address: t.address, recipient: t.recipients[0] ?? t.address, method: part.method, ics: part.ics,
      sender: input.sender, from, principal: input.principal, log: origin.log,
    });
    origin.log.info({ account: t.address, method: part.method, outcome }, 'iMIP message for a local calendar');
  }
}
