// What a Sieve run decides, for the delivery code to carry out. Nothing is
// carried out while the script runs (RFC 5228 §2.10.6), so a run that fails
// half-way leaves nothing done but the implicit keep.

export type SieveAction =
  /** Deliver to INBOX (explicit "keep", or the implicit keep of RFC 5228 §2.10.2), with these IMAP flags. */
  | { type: 'keep'; flags: string[]; implicit: boolean }
  /** Deliver to a mailbox; `create` (RFC 5490 §3.2) asks for it to be made when missing. */
  | { type: 'fileinto'; mailbox: string; flags: string[]; create: boolean }
  /** Send the message on, unchanged, to another address (RFC 5228 §4.2). */
  | { type: 'redirect'; address: string }
  /** Refuse the message: at SMTP time when possible (ereject), else by a DSN/MDN (RFC 5429). */
  | { type: 'reject'; reason: string; ereject: boolean }
  /** The script dropped the message on purpose and nothing else delivers it. */
  | { type: 'discard' }
  /** A vacation auto-reply was asked for (RFC 5230); whether one goes out is decided by vacation.ts. */
  | { type: 'vacation'; vacation: VacationRequest };

export interface VacationRequest {
  reason: string;
  /** RFC 5230 §4.5 :subject, null for the default "Auto: <original subject>". */
  subject: string | null;
  /** RFC 5230 §4.6 :from, null for the recipient's own address. */
  from: string | null;
  /** RFC 5230 §4.5 :addresses: more addresses of the user. */
  addresses: string[];
  /** The reason is a MIME entity (RFC 5230 §4.8). */
  mime: boolean;
  /** RFC 5230 §4.2 :handle, or the default one built from the arguments. */
  handle: string;
  /** Seconds between two replies to one sender; null = the site default. */
  periodSeconds: number | null;
}

/** RFC 5232 §3: one flag list from several space-separated strings, no duplicates (flags compare case-insensitively). */
export function flagList(values: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    for (const flag of value.split(/[ \t\r\n]+/)) {
      // RFC 9051 flag syntax: an atom, with a leading "\" for system flags; anything else is ignored (RFC 5232 §2).
      if (flag === '' || !/^\\?[^\s(){%*"\\\]\x00-\x1f\x7f]+$/.test(flag)) continue;
      const key = flag.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(flag);
    }
  }
  return out;
}
