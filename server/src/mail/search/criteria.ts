// Protocol-independent search criteria: every SEARCH key of RFC 9051 §6.4.4
// and RFC 3501 §6.4.4 plus CONDSTORE (RFC 7162), WITHIN (RFC 5032),
// OBJECTID (RFC 8474) and SAVEDATE (RFC 8514). IMAP maps its SearchKey tree
// onto this; the webmail and the admin API build it directly.
//
// Mapping notes for the IMAP front end:
// - SEQUENCE sets arrive here as UID sets: the session resolves message
//   numbers against its own view (RFC 9051 §6.4.4 "sequence set").
// - \Recent does not exist in IMAP4rev2 (RFC 9051 §2.3.2), so a flag
//   criterion on '\\Recent' matches nothing: RECENT = { flag '\\Recent' },
//   NEW = RECENT AND UNSEEN (nothing), OLD = NOT RECENT (everything).
// - UNANSWERED etc. are { type: 'flag', present: false }.
// - SAVEDATESUPPORTED (RFC 8514 §4.3) is { type: 'all' }: every copy has a save date.
// - Strings are already decoded from the command's CHARSET into JS strings.
import type { UidSet } from '../../store/mail-port.ts';

/** Dates compared by calendar day (RFC 9051 §6.4.4: "disregarding time and timezone"). */
export type DateField =
  /** The internal date, taken in UTC: the store keeps instants, not the zone of APPEND. */
  | 'internal'
  /** The Date: header, in the zone written in it; the internal date when it is missing (RFC 5256 §2.2 does the same for SORT). */
  | 'sent'
  /** RFC 8514 save date, in UTC. */
  | 'saved';

export type AddressField = 'from' | 'to' | 'cc' | 'bcc';

export type SearchCriteria =
  | { type: 'all' }
  | { type: 'uid'; uids: UidSet }
  /** A system flag ('\\Seen', …, '\\Recent') or a keyword; keywords compare case-insensitively. */
  | { type: 'flag'; flag: string; present: boolean }
  /** BEFORE/ON/SINCE, SENT*, SAVED*; `date` is "YYYY-MM-DD". */
  | { type: 'date'; field: DateField; op: 'before' | 'on' | 'since'; date: string }
  /** RFC 5032 OLDER/YOUNGER: internal date more / at most `seconds` before now. */
  | { type: 'age'; op: 'older' | 'younger'; seconds: number }
  /** RFC 9051 LARGER/SMALLER, strict comparisons on RFC822.SIZE. */
  | { type: 'size'; op: 'larger' | 'smaller'; octets: number }
  /** FROM/TO/CC/BCC: substring of the envelope field, as "Name <mailbox@host>" per address. */
  | { type: 'address'; field: AddressField; value: string }
  /** SUBJECT: substring of the decoded subject. */
  | { type: 'subject'; value: string }
  /** HEADER: substring of any decoded value of the named top-level field; '' matches presence. */
  | { type: 'header'; field: string; value: string }
  /** BODY (text parts and attachment names) or TEXT (indexed headers and body), from the full-text index. */
  | { type: 'text'; scope: 'body' | 'text'; value: string }
  /**
   * RFC 7162 §3.1.5: mod-sequence at least `modseq`. Per-flag entries
   * ("/flags/\\draft") are accepted and answered with the message's
   * modseq, which §3.1.5 allows for servers without per-flag modseqs.
   */
  | { type: 'modseq'; modseq: number; entry?: { name: string; kind: 'priv' | 'shared' | 'all' } }
  /** RFC 8474 §5. */
  | { type: 'emailId'; id: string }
  | { type: 'threadId'; id: string }
  | { type: 'not'; criterion: SearchCriteria }
  | { type: 'or'; left: SearchCriteria; right: SearchCriteria }
  /** Every criterion matches; an empty list matches everything. */
  | { type: 'and'; criteria: SearchCriteria[] };

/** RFC 8514: this store keeps a save date for every copy, so SAVEDATE keys are always answered. */
export const SAVEDATE_SUPPORTED = true;

const DAY_MS = 86_400_000;

/** Milliseconds of 00:00 UTC of a "YYYY-MM-DD" day, or NaN. */
export function dayStart(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Reject 2026-02-31 and the like rather than rolling over.
  return new Date(ms).toISOString().startsWith(date) ? ms : Number.NaN;
}

/** [start, end) in milliseconds for a day criterion: BEFORE is (-∞, day), ON [day, day+1), SINCE [day, ∞). */
export function dayBounds(op: 'before' | 'on' | 'since', date: string): { since?: number; before?: number } {
  const start = dayStart(date);
  if (op === 'before') return { before: start };
  if (op === 'on') return { since: start, before: start + DAY_MS };
  return { since: start };
}

/** A criterion that is malformed in a way the caller should answer BAD for, or null. */
export function criteriaProblem(c: SearchCriteria): string | null {
  switch (c.type) {
    case 'date': return Number.isNaN(dayStart(c.date)) ? `invalid date ${c.date}` : null;
    case 'age': return Number.isInteger(c.seconds) && c.seconds >= 0 ? null : `invalid interval ${c.seconds}`;
    case 'size': return Number.isInteger(c.octets) && c.octets >= 0 ? null : `invalid size ${c.octets}`;
    case 'modseq': return Number.isSafeInteger(c.modseq) && c.modseq >= 0 ? null : `invalid mod-sequence ${c.modseq}`;
    case 'not': return criteriaProblem(c.criterion);
    case 'or': return criteriaProblem(c.left) ?? criteriaProblem(c.right);
    case 'and': {
      for (const x of c.criteria) {
        const p = criteriaProblem(x);
        if (p) return p;
      }
      return null;
    }
    default: return null;
  }
}
