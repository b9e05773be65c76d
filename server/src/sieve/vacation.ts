// Vacation "done right" (RFC 5230 §4, RFC 3834 §2): whether an auto-reply
// may go out for one message, and the memory of who was answered when.
// Pure functions: the memory is a port the caller injects (the store in the
// server, a Map in tests). The reply itself is built by vacation-reply.ts.
import { createHash } from 'node:crypto';
import type { VacationRequest } from './actions.ts';
import { parseAddressList } from '../mail/mime/address-list.ts';
import { headerAddresses, splitAddress } from './addresses.ts';
import type { MessageView } from './message-view.ts';
import { text } from './vacation-reply.ts';

/** Remembers the last reply per (user, handle, sender); shared by every node in the server (store/sieve-port.ts). */
export interface VacationMemory {
  /**
   * Records a reply for `key` at `now` and answers true, unless one was
   * recorded less than `periodMs` before `now` (then false, nothing changes).
   * Atomic: two deliveries racing for one key get one true.
   */
  claim(key: string, now: number, periodMs: number): Promise<boolean>;
}

export interface VacationContext {
  /** The user's own addresses (account address, aliases) — never answered, and one of them must be a recipient. */
  userAddresses: readonly string[];
  /** RFC 5321 reverse-path of the message; "" for the null sender. */
  envelopeSender: string;
  message: MessageView;
  /** The filter judged the message spam: no reply (it would be backscatter). */
  junk: boolean;
}

export type VacationDecision = { reply: true; to: string } | { reply: false; reason: string };

/** RFC 5230 §4.6 / RFC 3834 §2: senders that are robots, lists or administrative addresses. */
const ROBOT_LOCAL_PARTS = /^(mailer-daemon|postmaster|listserv|majordomo|mailman|noreply|no-reply|do-not-reply|donotreply|bounce[s]?)$|^owner-|-request$|-owner$|-bounces?$/i;
const LIST_HEADERS = ['list-id', 'list-post', 'list-unsubscribe', 'list-help', 'list-subscribe', 'list-owner', 'list-archive'];
/** RFC 5230 §4.5: the user must be an explicit recipient in one of these. */
const RECIPIENT_HEADERS = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc'];

const lower = (s: string): string => s.trim().toLowerCase();

/** Why no reply may go out, or to whom it goes. */
export function vacationDecision(request: VacationRequest, ctx: VacationContext): VacationDecision {
  const sender = lower(ctx.envelopeSender);
  if (sender === '') return { reply: false, reason: 'null sender (bounce or auto-reply)' };
  if (ctx.junk) return { reply: false, reason: 'message judged spam' };
  const own = new Set([...ctx.userAddresses, ...request.addresses].map(lower));
  if (own.has(sender)) return { reply: false, reason: 'sender is the user' };
  if (ROBOT_LOCAL_PARTS.test(splitAddress(sender).localpart)) return { reply: false, reason: 'sender is an automated or list address' };
  const h = ctx.message;
  // RFC 3834 §2: any Auto-Submitted other than "no" means a machine sent it.
  for (const v of h.rawHeader('auto-submitted')) {
    if (lower(v.split(';')[0]) !== 'no') return { reply: false, reason: `Auto-Submitted: ${v}` };
  }
  for (const v of h.rawHeader('precedence')) {
    if (/^(bulk|list|junk)$/i.test(v.trim())) return { reply: false, reason: `Precedence: ${v}` };
  }
  for (const name of LIST_HEADERS) {
    if (h.rawHeader(name).length > 0) return { reply: false, reason: `mailing list (${name})` };
  }
  // Exchange's way of saying "do not answer this automatically" (MS-OXCMAIL §2.2.3.2.14).
  for (const v of h.rawHeader('x-auto-response-suppress')) {
    if (/\b(all|oof|autoreply)\b/i.test(v)) return { reply: false, reason: `X-Auto-Response-Suppress: ${v}` };
  }
  const addressed = RECIPIENT_HEADERS.some((name) => h.rawHeader(name).some((v) => headerAddresses(v).some((a) => own.has(lower(a.all)))));
  if (!addressed) return { reply: false, reason: 'the user is not an explicit recipient (RFC 5230 §4.5)' };
  return { reply: true, to: ctx.envelopeSender.trim() };
}

/** The memory key of one reply: user, handle and sender, hashed so the store holds no addresses in clear. */
export function vacationKey(userId: string, handle: string, sender: string): string {
  return createHash('sha256').update(`${userId}\u0000${handle}\u0000${lower(sender)}`).digest('base64url');
}

/**
 * The :from of a reply, kept only when it names exactly one mailbox and that
 * is one of the user's own addresses (no spoofing through vacation). The
 * field is rebuilt from what was parsed, never copied: a second address
 * (a list, a group, "<me@x> <ceo@x>") cannot ride behind the user's own.
 */
export function replyFrom(request: VacationRequest, recipient: string, userAddresses: readonly string[]): string {
  if (request.from === null) return recipient;
  const list = parseAddressList(request.from.replace(/[\r\n]+/g, ' '));
  // A group marker, a second mailbox or an empty list: not one address.
  if (list.length !== 1) return recipient;
  const [only] = list;
  if (only.mailbox === null || only.host === null || only.host === 'MISSING_DOMAIN' || only.mailbox === 'MISSING_MAILBOX') return recipient;
  const address = `${only.mailbox}@${only.host}`;
  if (!userAddresses.some((a) => lower(a) === lower(address))) return recipient;
  return only.name ? `${displayName(only.name)} <${address}>` : address;
}

/** A display name as a quoted string, or RFC 2047 encoded words when it is not plain ASCII. */
function displayName(name: string): string {
  const flat = name.replace(/[\r\n]+/g, ' ').trim();
  if (!/^[\x20-\x7e]*$/.test(flat)) return text(flat);
  // RFC 5322 §3.2.3: atoms need no quotes; anything else ("@", ",", "<") is quoted so it stays a name.
  return /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/.test(flat) ? flat : `"${flat.replace(/[\\"]/g, '\\$&')}"`;
}
