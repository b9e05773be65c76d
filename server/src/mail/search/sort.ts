// RFC 5256 SORT and RFC 5957 SORT=DISPLAY over messages of one mailbox,
// from the indexed headers (one batch read), never from the blobs.
import type { EnvelopeAddress } from '../../../../shared/src/schemas/message-index.ts';
import type { MessageSummary } from '../../store/mail-port.ts';
import { uidSetOf } from '../../model/uid-set.ts';
import type { Actor } from '../../directory/api.ts';
import type { MessageService } from '../api.ts';
import { decodeWords } from '../mime/envelope.ts';

export type SortKeyName = 'arrival' | 'cc' | 'date' | 'from' | 'size' | 'subject' | 'to' | 'displayfrom' | 'displayto';

/** One sort criterion; `reverse` is RFC 5256 REVERSE applied to this key only. */
export interface SortKey { key: SortKeyName; reverse?: boolean }

export type SortDeps = { actor: Actor; messages: Pick<MessageService, 'summaries'> };

type Value = number | string;

/**
 * Collation key for strings: RFC 5256 §2.1 / RFC 5255 i;unicode-casemap
 * (case folded, then decomposed with NFKD), compared by code point.
 */
export function collationKey(s: string): string {
  return s.toLowerCase().normalize('NFKD');
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** RFC 5256 §2.2: the Date: header as an instant, or INTERNALDATE when it is missing or unparseable. */
export function sentTime(s: MessageSummary): number {
  return Date.parse(s.headers.date ?? s.internalDate);
}

/**
 * The first address of a list as ENVELOPE has it (RFC 9051 §7.5.2): for a
 * group, its start marker, whose mailbox field holds the group's name and
 * whose host is NIL. RFC 5256 §3 and RFC 5957 §2 speak of "the first
 * address", and Dovecot, the reference implementation, reads it literally.
 */
function firstAddress(list: readonly EnvelopeAddress[] | null | undefined): EnvelopeAddress | undefined {
  return list?.[0];
}

/** RFC 5256 §3 FROM/TO/CC: addr-mailbox of the first address; "" when there is none. */
function mailboxOf(list: readonly EnvelopeAddress[] | null | undefined): string {
  return collationKey(firstAddress(list)?.mailbox ?? '');
}

/**
 * RFC 5957 §2: the decoded display name of the first address when it has
 * one, else its addr-spec (mailbox@host; a group marker: the group name);
 * "" without an address.
 */
function displayOf(list: readonly EnvelopeAddress[] | null | undefined): string {
  const a = firstAddress(list);
  if (!a) return '';
  const name = a.name ? decodeWords(a.name).trim() : '';
  if (name !== '') return collationKey(name);
  return collationKey(a.host === null ? (a.mailbox ?? '') : `${a.mailbox ?? ''}@${a.host}`);
}

function value(s: MessageSummary, key: SortKeyName): Value {
  switch (key) {
    case 'arrival': return Date.parse(s.internalDate);
    case 'date': return sentTime(s);
    case 'size': return s.size;
    case 'subject': return collationKey(s.headers.baseSubject);
    case 'from': return mailboxOf(s.envelope?.from);
    case 'to': return mailboxOf(s.envelope?.to);
    case 'cc': return mailboxOf(s.envelope?.cc);
    case 'displayfrom': return displayOf(s.envelope?.from);
    case 'displayto': return displayOf(s.envelope?.to);
  }
}

/**
 * Orders summaries by the keys; messages equal on every key keep UID order,
 * which is sequence-number order (RFC 5256 §3: "sorted in the order given by
 * their message sequence numbers").
 */
export function sortSummaries(summaries: readonly MessageSummary[], keys: readonly SortKey[]): MessageSummary[] {
  const rows = summaries.map((s) => ({ s, values: keys.map((k) => value(s, k.key)) }));
  rows.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(a.values[i], b.values[i]);
      if (c !== 0) return keys[i].reverse ? -c : c;
    }
    return a.s.uid - b.s.uid;
  });
  return rows.map((r) => r.s);
}

/** SORT: the given UIDs (a SEARCH result) in sort order; UIDs no longer in the mailbox are left out. */
export async function sortMessages(deps: SortDeps, mailboxId: string, keys: readonly SortKey[], uids: readonly number[]): Promise<number[]> {
  if (uids.length === 0) return [];
  const envelope = keys.some((k) => k.key !== 'arrival' && k.key !== 'date' && k.key !== 'size' && k.key !== 'subject');
  const summaries = await deps.messages.summaries(deps.actor, mailboxId, uidSetOf(uids), { envelope });
  return sortSummaries(summaries, keys).map((s) => s.uid);
}
