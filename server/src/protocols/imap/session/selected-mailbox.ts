// The selected mailbox of one session: its message sequence numbers as a
// compact UID array (RFC 9051 §2.3.1.2), and the changes other sessions made
// that this client has not been told about yet. Changes arrive on the change
// bus at any time but reach the client only where RFC 9051 §7.5.1 (and
// RFC 7162 §3.2.10 for VANISHED) allows: EXPUNGE never while a non-UID FETCH,
// STORE or SEARCH is answered, so sequence numbers stay stable under the
// client's feet. No message data is cached here: only UIDs, the keywords
// the client has been told of (RFC 3501 §7.2.6: a keyword is announced with
// FLAGS before a FETCH shows it; the mail service bounds how many a mailbox
// has) and, for IMAP4rev1, the UID ranges that are \Recent to this session.
import type { Actor } from '../../../directory/api.ts';
import { isStoaError } from '../../../errors/catalogue.ts';
import type { ChangeEvent } from '../../../events/change-bus.ts';
import type { Mailbox, MailboxSelection, UidSet } from '../../../model/mail.ts';
import { uidSetHas, uidSetOf } from '../../../model/uid-set.ts';
import type { ImapServices } from '../context.ts';
import type { FetchResponseItem, Response, SequenceSet } from '../wire/index.ts';
import { resolveSequenceSet } from '../wire/index.ts';

const MAX_UID = 0xffffffff;

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** RFC 3501 §7.1 PERMANENTFLAGS: what STORE may change here, given the rights (RFC 4314 §4); keywords with "w". */
export function permanentFlags(rights: string, readOnly: boolean, keywords: readonly string[]): string[] {
  if (readOnly) return [];
  const flags: string[] = [];
  if (rights.includes('w')) flags.push('\\Answered', '\\Flagged', '\\Draft');
  if (rights.includes('t')) flags.push('\\Deleted');
  if (rights.includes('s')) flags.push('\\Seen');
  if (rights.includes('w')) flags.push(...keywords, '\\*');
  return flags;
}

export interface FlushOptions { allowExpunge: boolean; condstore: boolean; qresync: boolean; rev2: boolean }

export class SelectedMailbox {
  readonly mailbox: Mailbox;
  readonly readOnly: boolean;
  /** Who opened it: every service call of this view is made as this actor. */
  readonly actor: Actor;
  /** The actor's RFC 4314 rights, as of the last check (refreshRights). */
  private currentRights: string;
  /** An ACL change event arrived since the rights were read. */
  private rightsStale = false;
  /** UIDs in sequence order; `count` of them are in use. */
  private uids: Uint32Array;
  private count: number;
  private pendingExists = false;
  private readonly pendingExpunged = new Set<number>();
  /** UID → MODSEQ of the latest flag change not yet told. */
  private readonly pendingFlags = new Map<number, number>();
  /** MODSEQs of this session's own flag changes: already answered, not to be echoed (RFC 9051 §7.5.2). */
  private readonly ownModseqs = new Set<number>();
  /** Keywords told to the client in FLAGS, by lower-case name (RFC 3501 §2.3.2: compared case-insensitively). */
  private readonly keywords = new Map<string, string>();
  /** RFC 3501 §2.3.2: UID ranges that are \\Recent to this session (claimed by it alone), ascending. */
  private recentRanges: Array<[number, number]> = [];
  private readonly unsubscribe: () => void;
  /** Called when a change is queued (IDLE pushes it at once). */
  onChange: (() => void) | null = null;

  private constructor(mailbox: Mailbox, readOnly: boolean, actor: Actor, rights: string, services: ImapServices) {
    this.mailbox = mailbox;
    this.readOnly = readOnly;
    this.actor = actor;
    this.currentRights = rights;
    this.uids = new Uint32Array(0);
    this.count = 0;
    this.unsubscribe = services.bus.subscribe({ mailboxId: mailbox.id }, (event) => this.queue(event));
  }

  /**
   * Subscribes first, then reads the selection: a change committed in
   * between is queued, never lost. Only UIDs are kept; flags are read when
   * FETCH asks for them.
   */
  static async open(
    services: ImapServices, actor: Actor, mailbox: Mailbox, options: { readOnly: boolean; rights: string; rev2: boolean },
  ): Promise<{ selected: SelectedMailbox; selection: MailboxSelection }> {
    const selected = new SelectedMailbox(mailbox, options.readOnly, actor, options.rights, services);
    try {
      const selection = await services.messages.selection(actor, mailbox.id);
      selected.uids = selection.uids;
      selected.count = selection.uids.length;
      for (const k of selection.keywords) selected.keywords.set(k.toLowerCase(), k);
      if (!options.rev2) {
        // RFC 3501 §6.3.1/§6.3.2: SELECT claims what is new; EXAMINE only counts it and leaves it recent for others.
        // Nothing new since the last claim (the usual case) costs no write.
        const seen = selection.mailbox.recentUid;
        const first = options.readOnly || seen > selected.maxUid ? seen : await services.messages.claimRecent(actor, mailbox.id, selected.maxUid);
        if (first <= selected.maxUid) selected.recentRanges.push([first, selected.maxUid]);
      }
      return { selected, selection };
    } catch (err) {
      selected.close();
      throw err;
    }
  }

  close(): void {
    this.unsubscribe();
    this.onChange = null;
  }

  get rights(): string {
    return this.currentRights;
  }

  /** Whether the actor may still see the mailbox at all (RFC 4314 §4: without "l" and "r" it does not exist for them). */
  get visible(): boolean {
    return this.currentRights.includes('l') || this.currentRights.includes('r');
  }

  /**
   * Reads the rights again when an ACL change was announced for this
   * mailbox, so the dispatcher's early refusal follows a revocation within
   * the same command (the services check every call regardless).
   */
  async refreshRights(services: ImapServices): Promise<void> {
    if (!this.rightsStale) return;
    this.rightsStale = false;
    try {
      this.currentRights = await services.mailboxes.myRights(this.actor, this.mailbox.id);
    } catch (err) {
      if (!isStoaError(err, 'STOA_NOT_FOUND')) throw err;
      this.currentRights = '';
    }
  }

  /** The service refused this view's actor: the rights it relied on are gone. */
  private revoked(): void {
    this.currentRights = '';
    this.pendingExists = false;
    this.pendingExpunged.clear();
    this.pendingFlags.clear();
  }

  get exists(): number {
    return this.count;
  }

  /** RFC 3501 §7.3.2: messages in view that are \\Recent to this session. */
  get recent(): number {
    let n = 0;
    for (const [a, b] of this.recentRanges) n += this.lowerBound(b + 1) - this.lowerBound(a);
    return n;
  }

  /** The UID ranges that are \\Recent to this session (SEARCH RECENT, NEW, OLD). */
  get recentUids(): UidSet {
    return this.recentRanges;
  }

  /** A message's flags as this session sees them: with \\Recent when it is recent to this session (IMAP4rev1 only). */
  flagsOf(uid: number, flags: readonly string[]): string[] {
    return this.recentRanges.length > 0 && uidSetHas(this.recentRanges, uid) ? [...flags, '\\Recent'] : [...flags];
  }

  /** FLAGS and PERMANENTFLAGS as SELECT sends them, with the keywords known so far. */
  flagResponses(): Response[] {
    const keywords = [...this.keywords.values()].sort();
    return [
      { kind: 'flags', flags: [...SYSTEM_FLAGS, ...keywords] },
      { kind: 'untagged', status: 'OK', code: { code: 'PERMANENTFLAGS', flags: permanentFlags(this.currentRights, this.readOnly, keywords) }, text: 'Flags permitted' },
    ];
  }

  /**
   * RFC 3501 §7.2.6, RFC 9051 §7.3.5: before a FETCH shows a keyword the
   * client has not heard of, untagged FLAGS (and PERMANENTFLAGS) announce
   * it. Returns those responses when `flags` hold such a keyword, else none.
   */
  announce(flags: readonly string[]): Response[] {
    let added = false;
    for (const flag of flags) {
      if (flag.startsWith('\\')) continue;
      const key = flag.toLowerCase();
      if (this.keywords.has(key)) continue;
      this.keywords.set(key, flag);
      added = true;
    }
    return added ? this.flagResponses() : [];
  }

  get maxUid(): number {
    return this.count > 0 ? this.uids[this.count - 1] : 0;
  }

  uidAt(seq: number): number {
    return this.uids[seq - 1];
  }

  /** Sequence number of a UID, 0 when it is not in this session's view. */
  seqOf(uid: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.uids[mid];
      if (v < uid) lo = mid + 1;
      else if (v > uid) hi = mid - 1;
      else return mid + 1;
    }
    return 0;
  }

  /** Whether a sequence set names only existing messages (RFC 9051 §6.4.4: a message number beyond EXISTS is an error). */
  validSequenceNumbers(set: SequenceSet): boolean {
    return set.ranges.every((r) => (r.from === '*' || r.from <= this.count) && (r.to === '*' || r.to <= this.count))
      && (this.count > 0 || set.ranges.length === 0);
  }

  /** UIDs in view named by a message-number set or a UID set, ascending; `saved` adds the SEARCHRES result. */
  resolve(set: SequenceSet, byUid: boolean, saved: readonly number[]): number[] {
    const out: number[] = [];
    if (byUid) {
      // RFC 9051 §6.4.8: "*" is the largest UID in use; in an empty mailbox the set matches nothing.
      for (const [a, b] of resolveSequenceSet(set, this.maxUid)) {
        let i = this.lowerBound(a);
        while (i < this.count && this.uids[i] <= b) out.push(this.uids[i++]);
      }
    } else {
      for (const [a, b] of resolveSequenceSet(set, this.count)) {
        for (let seq = a; seq <= Math.min(b, this.count); seq++) out.push(this.uids[seq - 1]);
      }
    }
    if (set.saved) {
      const present = saved.filter((uid) => this.seqOf(uid) > 0);
      return [...new Set([...out, ...present])].sort((x, y) => x - y);
    }
    return out;
  }

  private lowerBound(uid: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.uids[mid] < uid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** This session changed flags at `modseq`: the bus echo of it is dropped. */
  noteOwnChange(modseq: number): void {
    // The in-process bus publishes before the service call returns: drop what is already queued…
    for (const [uid, m] of this.pendingFlags) if (m === modseq) this.pendingFlags.delete(uid);
    // …and remember it for a bus that delivers later (bounded: old entries can no longer arrive).
    if (this.ownModseqs.size >= 64) this.ownModseqs.clear();
    this.ownModseqs.add(modseq);
  }

  private queue(event: ChangeEvent): void {
    switch (event.kind) {
      case 'exists':
        this.pendingExists = true;
        break;
      case 'expunge':
        for (const uid of event.uids) if (this.seqOf(uid) > 0) this.pendingExpunged.add(uid);
        break;
      case 'flags':
        if (this.ownModseqs.delete(event.modseq)) break;
        for (const uid of event.uids) this.pendingFlags.set(uid, Math.max(event.modseq, this.pendingFlags.get(uid) ?? 0));
        break;
      case 'mailbox':
        // RENAME, DELETE or an ACL change: the rights are read again before the next command.
        this.rightsStale = true;
        return;
    }
    this.onChange?.();
  }

  get hasPending(): boolean {
    return this.pendingExists || this.pendingExpunged.size > 0 || this.pendingFlags.size > 0;
  }

  /**
   * Removes UIDs from the view now and returns the responses telling the
   * client: EXPUNGE in descending sequence order so each number is valid when
   * read (RFC 9051 §7.5.1), or one VANISHED once QRESYNC is on (RFC 7162 §3.2.10).
   */
  expungeNow(uids: readonly number[], qresync: boolean): Response[] {
    const seqs = uids.map((uid) => this.seqOf(uid)).filter((s) => s > 0).sort((a, b) => b - a);
    if (seqs.length === 0) return [];
    const removed = seqs.map((s) => this.uids[s - 1]);
    const gone = new Set(seqs);
    let w = 0;
    for (let r = 0; r < this.count; r++) if (!gone.has(r + 1)) this.uids[w++] = this.uids[r];
    this.count = w;
    for (const uid of uids) this.pendingExpunged.delete(uid);
    if (qresync) return [{ kind: 'vanished', earlier: false, uids: removed }];
    return seqs.map((seq) => ({ kind: 'expunge', seq }));
  }

  private append(newUids: ArrayLike<number>): void {
    const fresh = Array.from(newUids).filter((uid) => uid > this.maxUid);
    if (fresh.length === 0) return;
    if (this.count + fresh.length > this.uids.length) {
      const grown = new Uint32Array(Math.max(16, (this.count + fresh.length) * 2));
      grown.set(this.uids.subarray(0, this.count));
      this.uids = grown;
    }
    for (const uid of fresh) this.uids[this.count++] = uid;
  }

  /**
   * Tells the client what changed: EXPUNGE/VANISHED when allowed, then EXISTS,
   * then FETCH (FLAGS) with MODSEQ under CONDSTORE (RFC 7162 §3.2.4).
   */
  async flush(services: ImapServices, options: FlushOptions): Promise<Response[]> {
    try {
      return await this.flushChanges(services, options);
    } catch (err) {
      // A revocation between two commands: nothing more is told about a mailbox the actor may no longer read.
      if (!isStoaError(err, 'STOA_NOT_FOUND') && !isStoaError(err, 'STOA_FORBIDDEN')) throw err;
      this.revoked();
      return [];
    }
  }

  private async flushChanges(services: ImapServices, options: FlushOptions): Promise<Response[]> {
    const out: Response[] = [];
    if (options.allowExpunge && this.pendingExpunged.size > 0) {
      out.push(...this.expungeNow([...this.pendingExpunged].sort((a, b) => a - b), options.qresync));
    }
    if (this.pendingExists) {
      this.pendingExists = false;
      const before = this.count;
      // The store is the authority on which UIDs exist above ours: events may be published out of order.
      const above: UidSet = [[this.maxUid + 1, MAX_UID]];
      const fresh = this.maxUid >= MAX_UID ? null : await services.messages.list(this.actor, this.mailbox.id, above);
      if (fresh && fresh.uids.length > 0) {
        // Keywords the new messages bring are announced before they can show up in a FETCH (RFC 3501 §7.2.6).
        out.push(...this.announce([...new Set([...fresh.keywords.values()].flat())]));
        const last = this.maxUid;
        this.append(fresh.uids);
        if (!options.rev2 && !this.readOnly && this.maxUid > last) {
          // RFC 3501 §2.3.2: the first session told of a new message has it as \\Recent.
          const first = Math.max(await services.messages.claimRecent(this.actor, this.mailbox.id, this.maxUid), last + 1);
          if (first <= this.maxUid) this.recentRanges.push([first, this.maxUid]);
        }
      }
      if (this.count !== before) {
        out.push({ kind: 'exists', count: this.count });
        // RFC 3501 §7.3.2: RECENT goes with EXISTS for IMAP4rev1 clients.
        if (!options.rev2) out.push({ kind: 'recent', count: this.recent });
      }
    }
    if (this.pendingFlags.size > 0) {
      const uids = [...this.pendingFlags.keys()].filter((uid) => this.seqOf(uid) > 0);
      this.pendingFlags.clear();
      if (uids.length > 0) {
        for (const record of await services.messages.fetch(this.actor, this.mailbox.id, uidSetOf(uids))) {
          const seq = this.seqOf(record.uid);
          if (seq === 0) continue;
          out.push(...this.announce(record.flags));
          const items: FetchResponseItem[] = [{ item: 'UID', uid: record.uid }, { item: 'FLAGS', flags: this.flagsOf(record.uid, record.flags) }];
          if (options.condstore) items.push({ item: 'MODSEQ', modseq: BigInt(record.modseq) });
          out.push({ kind: 'fetch', seq, items });
        }
      }
    }
    return out;
  }
}
