// SEARCH over one mailbox (RFC 9051 §6.4.4), for IMAP SEARCH/ESEARCH,
// SORT and THREAD, the webmail and the admin API.
//
// Query planning: the criteria tree is evaluated against a candidate set
// that only ever shrinks. AND evaluates its members cheapest first, each on
// what the previous left; OR evaluates its second member only on what the
// first did not match; NOT is the complement within its candidates (so NOT
// of a full-text key is "the mailbox minus the index's hits"). Costs rise
// from in-memory tests on the compact list (flags, size, modseq, UID), to
// one store query answered by SQL (dates, save dates, object ids), to the
// full-text index, to indexed headers of the remaining candidates (one
// batch read), to raw header blocks read from blobs. Header keys whose
// field the full-text index holds consult the index first, so the batch
// read and blob reads touch only messages that can match.
//
// The universe: when the caller passes no list and the top-level AND has a
// key the full-text index answers (TEXT, BODY, or an indexed header field,
// 3+ characters), its index hits are a superset of the answer and become
// the universe; flag/size/UID keys are then pushed to the store's filter
// instead of reading the mailbox's list (which alone costs more than the
// index lookup at 100,000 messages).
import { foldForSearch } from '../../model/mail-ids.ts';
import { FLAG_BITS, type MessageList, type MessageSummary } from '../../store/mail-port.ts';
import { uidSetHas, uidSetOf } from '../../model/uid-set.ts';
import type { Actor } from '../../directory/api.ts';
import type { MessageService } from '../api.ts';
import type { HeaderField } from '../mime/header-fields.ts';
import { SEARCH_HEADERS } from '../mime/search-text.ts';
import { count, fullSet, keep, keepUids, minus, positions, union, type Candidates } from './candidates.ts';
import { criteriaProblem, dayBounds, type SearchCriteria } from './criteria.ts';
import {
  addressNeedleIndexable, addressText, bodyContains, forEachLimited, headerMatches, indexedHeadersContain, readHeader, sentDay, type BlobReader,
} from './header-match.ts';
import { StoaError } from '../../errors/catalogue.ts';

/** The caller (its "r" right is checked by every read) and the message service it reads through. */
export type SearchDeps = { actor: Actor; messages: Pick<MessageService, 'list' | 'filter' | 'searchText' | 'summaries' | 'open' | 'body'> };

export interface SearchOptions {
  /** Clock for RFC 5032 OLDER/YOUNGER, in milliseconds. */
  now?: number;
  /** The mailbox list the caller already holds (an IMAP session's snapshot); read afresh when absent. */
  list?: MessageList;
}

export interface SearchResult {
  /** Matching UIDs, ascending. */
  uids: number[];
  /**
   * RFC 7162 §3.1.5: when the criteria hold a MODSEQ key, the highest
   * modseq among the matches (0 when none), for the "(MODSEQ n)" response;
   * null otherwise.
   */
  highestModSeq: number | null;
}

/** Body reads of this run's mailbox, as the caller. */
function readerOf(run: Run): BlobReader {
  const { actor, messages } = run.deps;
  return {
    open: (blobId, range) => messages.open(actor, { mailboxId: run.mailboxId, blobId }, range),
    body: (blobId) => messages.body(actor, { mailboxId: run.mailboxId, blobId }),
  };
}

/** Blob reads in flight at once. */
const READ_CONCURRENCY = 16;

const COST = { memory: 0, store: 1, index: 2, summary: 3, blob: 4 } as const;

interface Run {
  deps: SearchDeps;
  mailboxId: string;
  /** UIDs the candidate sets index, ascending: the whole list, or the index hits of a seed key. */
  universe: Uint32Array;
  /** The mailbox list when the universe is the whole mailbox; null when keys on it go to the store's filter. */
  list: MessageList | null;
  now: number;
  envelopes: boolean;
  summaries: Map<number, MessageSummary>;
  headers: Map<number, HeaderField[]>;
  index: Map<string, Promise<number[]>>;
}

function cost(c: SearchCriteria): number {
  switch (c.type) {
    case 'all': case 'uid': case 'flag': case 'size': case 'modseq': return COST.memory;
    case 'age': case 'emailId': case 'threadId': return COST.store;
    case 'date': return c.field === 'sent' ? COST.summary : COST.store;
    case 'text': return c.scope === 'text' ? COST.index : COST.blob;
    case 'subject': case 'address': return COST.summary;
    case 'header': return COST.blob;
    case 'not': return cost(c.criterion);
    case 'or': return Math.max(cost(c.left), cost(c.right));
    case 'and': return c.criteria.reduce((m, x) => Math.max(m, cost(x)), 0);
  }
}

function hasModseq(c: SearchCriteria): boolean {
  switch (c.type) {
    case 'modseq': return true;
    case 'not': return hasModseq(c.criterion);
    case 'or': return hasModseq(c.left) || hasModseq(c.right);
    case 'and': return c.criteria.some(hasModseq);
    default: return false;
  }
}

/** The index lookup text of a key whose index hits are a superset of its matches, or null. */
function indexText(c: SearchCriteria): string | null {
  const long = (v: string) => [...foldForSearch(v)].length >= 3;
  switch (c.type) {
    case 'text': case 'subject': return long(c.value) ? c.value : null;
    case 'address': return long(c.value) && addressNeedleIndexable(foldForSearch(c.value)) ? c.value : null;
    case 'header': return long(c.value) && SEARCH_HEADERS.has(c.field.toLowerCase()) ? c.value : null;
    default: return null;
  }
}

function needsEnvelope(c: SearchCriteria): boolean {
  switch (c.type) {
    case 'address': return true;
    case 'date': return c.field === 'sent';
    case 'not': return needsEnvelope(c.criterion);
    case 'or': return needsEnvelope(c.left) || needsEnvelope(c.right);
    case 'and': return c.criteria.some(needsEnvelope);
    default: return false;
  }
}

/** Full-text hits for a needle, once per search however many keys ask. */
function indexHits(run: Run, text: string): Promise<number[]> {
  let hits = run.index.get(text);
  if (!hits) {
    hits = run.deps.messages.searchText(run.deps.actor, run.mailboxId, text);
    run.index.set(text, hits);
  }
  return hits;
}

/** Narrows by the full-text index when the needle is long enough for it to answer from its trigrams. */
async function byIndex(run: Run, set: Candidates, text: string, foldedNeedle: string): Promise<Candidates> {
  if ([...foldedNeedle].length < 3) return set;
  return keepUids(set, run.universe, await indexHits(run, text));
}

async function summariesFor(run: Run, set: Candidates): Promise<void> {
  const missing = positions(set).map((i) => run.universe[i]).filter((uid) => !run.summaries.has(uid));
  if (missing.length === 0) return;
  for (const s of await run.deps.messages.summaries(run.deps.actor, run.mailboxId, uidSetOf(missing), { envelope: run.envelopes })) run.summaries.set(s.uid, s);
}

/** Members whose summary passes `test`; messages expunged since the list was read match nothing. */
async function bySummary(run: Run, set: Candidates, test: (s: MessageSummary) => boolean): Promise<Candidates> {
  await summariesFor(run, set);
  return keep(set, (i) => {
    const s = run.summaries.get(run.universe[i]);
    return s !== undefined && test(s);
  });
}

/** Members whose top-level header block passes `test`, reading blocks not read yet. */
async function byHeader(run: Run, set: Candidates, test: (fields: readonly HeaderField[]) => boolean): Promise<Candidates> {
  await summariesFor(run, set);
  const todo = positions(set).map((i) => run.universe[i]).filter((uid) => !run.headers.has(uid) && run.summaries.has(uid));
  await forEachLimited(todo, READ_CONCURRENCY, async (uid) => {
    run.headers.set(uid, await readHeader(readerOf(run), run.summaries.get(uid)!));
  });
  return keep(set, (i) => {
    const fields = run.headers.get(run.universe[i]);
    return fields !== undefined && test(fields);
  });
}

type Filter = Parameters<MessageService['filter']>[2];

async function byFilter(run: Run, set: Candidates, filter: Filter): Promise<Candidates> {
  // Outside the whole-mailbox universe, ask only about the candidates.
  const uids = run.list ? filter.uids : uidSetOf(positions(set).map((i) => run.universe[i]));
  return keepUids(set, run.universe, await run.deps.messages.filter(run.deps.actor, run.mailboxId, { ...filter, uids }));
}

/** RFC 9051 §2.3.2: \Recent is gone in IMAP4rev2; no message has it. */
const RECENT = '\\recent';

/** The FLAG_BITS bit of a system flag (case-insensitive), or 0 for a keyword. */
function systemBit(flag: string): number {
  const lower = flag.toLowerCase();
  for (const [name, bit] of Object.entries(FLAG_BITS)) if (name.toLowerCase() === lower) return bit;
  return 0;
}

/** Flag, size and modseq keys (UID sets too, tested on the universe): in memory over the list, or as a store filter over the candidates. */
async function byMetadata(run: Run, c: Extract<SearchCriteria, { type: 'uid' | 'flag' | 'size' | 'modseq' }>, set: Candidates): Promise<Candidates> {
  const { list } = run;
  if (c.type === 'uid') return keep(set, (i) => uidSetHas(c.uids, run.universe[i]));
  if (c.type === 'flag' && c.flag.toLowerCase() === RECENT) return c.present ? new Uint8Array(set.length) : set;
  if (!list) {
    const flag = c.type === 'flag' ? (c.present ? { withFlags: [c.flag] } : { withoutFlags: [c.flag] }) : {};
    if (c.type === 'size') return byFilter(run, set, c.op === 'larger' ? { larger: c.octets } : { smaller: c.octets });
    if (c.type === 'modseq') return byFilter(run, set, { modseqAbove: c.modseq - 1 });
    return byFilter(run, set, flag);
  }
  switch (c.type) {
    case 'size': return keep(set, (i) => (c.op === 'larger' ? list.sizes[i] > c.octets : list.sizes[i] < c.octets));
    case 'modseq': return keep(set, (i) => list.modseqs[i] >= c.modseq);
    case 'flag': {
      const bit = systemBit(c.flag);
      const lower = c.flag.toLowerCase();
      const has = bit
        ? (i: number) => (list.systemFlags[i] & bit) !== 0
        : (i: number) => list.keywords.get(list.uids[i])?.some((k) => k.toLowerCase() === lower) ?? false;
      return keep(set, (i) => has(i) === c.present);
    }
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

async function evaluate(run: Run, c: SearchCriteria, set: Candidates): Promise<Candidates> {
  if (count(set) === 0) return set;
  const { universe } = run;
  switch (c.type) {
    case 'all': return set;
    case 'uid': case 'flag': case 'size': case 'modseq': return byMetadata(run, c, set);
    case 'emailId': return byFilter(run, set, { emailId: c.id });
    case 'threadId': return byFilter(run, set, { threadId: c.id });
    case 'age': {
      // RFC 5032 §3: OLDER is strictly older than the interval, YOUNGER at most that old.
      const edge = iso(run.now - c.seconds * 1000);
      return byFilter(run, set, c.op === 'older' ? { before: edge } : { since: edge });
    }
    case 'date': {
      const { since, before } = dayBounds(c.op, c.date);
      if (c.field === 'internal') return byFilter(run, set, { since: iso(since), before: iso(before) });
      if (c.field === 'saved') return byFilter(run, set, { savedSince: iso(since), savedBefore: iso(before) });
      return bySummary(run, set, (s) => {
        const day = sentDay(s);
        return (since === undefined || day >= since) && (before === undefined || day < before);
      });
    }
    case 'text': {
      const needle = foldForSearch(c.value);
      if (needle === '') return set;
      const hits = keepUids(set, universe, await indexHits(run, c.value));
      if (c.scope === 'text') return hits;
      // BODY: the index also holds the message's own address and subject
      // headers; a hit whose header holds the needle is checked against its body.
      const inHeader = await byHeader(run, hits, (fields) => indexedHeadersContain(fields, SEARCH_HEADERS, needle));
      const recheck = positions(inHeader).map((i) => universe[i]);
      const failed = new Set<number>();
      await forEachLimited(recheck, READ_CONCURRENCY, async (uid) => {
        if (!await bodyContains(readerOf(run), run.summaries.get(uid)!.blobId, needle)) failed.add(uid);
      });
      return keep(hits, (i) => !failed.has(universe[i]));
    }
    case 'subject': {
      const needle = foldForSearch(c.value);
      if (needle === '') return set;
      return bySummary(run, await byIndex(run, set, c.value, needle), (s) => foldForSearch(s.headers.subject).includes(needle));
    }
    case 'address': {
      const needle = foldForSearch(c.value);
      if (needle === '') return set;
      const narrowed = addressNeedleIndexable(needle) ? await byIndex(run, set, c.value, needle) : set;
      return bySummary(run, narrowed, (s) => s.envelope !== null && foldForSearch(addressText(s.envelope[c.field])).includes(needle));
    }
    case 'header': {
      const needle = foldForSearch(c.value);
      const narrowed = needle !== '' && SEARCH_HEADERS.has(c.field.toLowerCase()) ? await byIndex(run, set, c.value, needle) : set;
      return byHeader(run, narrowed, (fields) => headerMatches(fields, c.field, needle));
    }
    case 'not': return minus(set, await evaluate(run, c.criterion, set));
    case 'or': {
      const [first, second] = cost(c.right) < cost(c.left) ? [c.right, c.left] : [c.left, c.right];
      const a = await evaluate(run, first, set);
      return union(a, await evaluate(run, second, minus(set, a)));
    }
    case 'and': {
      let current = set;
      for (const x of [...c.criteria].sort((p, q) => cost(p) - cost(q))) {
        current = await evaluate(run, x, current);
        if (count(current) === 0) break;
      }
      return current;
    }
  }
}

/** SEARCH, with the highest modseq of the matches when the criteria hold a MODSEQ key (RFC 7162 §3.1.5). */
export async function searchMailbox(deps: SearchDeps, mailboxId: string, criteria: SearchCriteria, options: SearchOptions = {}): Promise<SearchResult> {
  const problem = criteriaProblem(criteria);
  if (problem) throw new StoaError('STOA_VALIDATION', problem);
  const withModseq = hasModseq(criteria);
  const run: Run = {
    deps, mailboxId, universe: new Uint32Array(0), list: options.list ?? null, now: options.now ?? Date.now(), envelopes: needsEnvelope(criteria),
    summaries: new Map(), headers: new Map(), index: new Map(),
  };
  const conjuncts = criteria.type === 'and' ? criteria.criteria : [criteria];
  const seed = run.list || withModseq ? null : conjuncts.map(indexText).find((t) => t !== null) ?? null;
  if (seed !== null) run.universe = Uint32Array.from(await indexHits(run, seed));
  else {
    run.list ??= await deps.messages.list(deps.actor, mailboxId);
    run.universe = run.list.uids;
  }
  const matched = await evaluate(run, criteria, fullSet(run.universe.length));
  const uids: number[] = [];
  let highestModSeq = 0;
  for (let i = 0; i < matched.length; i++) {
    if (!matched[i]) continue;
    uids.push(run.universe[i]);
    if (run.list && run.list.modseqs[i] > highestModSeq) highestModSeq = run.list.modseqs[i];
  }
  return { uids, highestModSeq: withModseq ? highestModSeq : null };
}

/** UIDs of the messages matching `criteria`, ascending. */
export async function searchMessages(deps: SearchDeps, mailboxId: string, criteria: SearchCriteria, options: SearchOptions = {}): Promise<number[]> {
  return (await searchMailbox(deps, mailboxId, criteria, options)).uids;
}
