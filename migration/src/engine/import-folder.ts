// One source folder into one target folder: list, consult the ledger, fetch
// in batches (the next batch is fetched while the previous one is stored),
// check each item, skip what the target already holds, store the rest
// through the sink, record every outcome, and read a sample back to prove
// the bytes arrived unchanged.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { KIND_OF_COLLECTION, type ItemKind, type ItemRef, type SourceFolder } from '../model.ts';
import { DuplicateUidError, MalformedError, splitCalendar, splitVCards } from '../groupware/objects.ts';
import type { ImportMessage, ImportSink, TargetAccount, TargetFolder } from '../sink/import-sink.ts';
import { isConnectionError, isRetryable, SourceError, type FetchResult, type SourceSession } from '../sources/source.ts';
import type { CheckpointStore, LedgerEntry } from './checkpoints.ts';
import { splitFlags } from './keywords.ts';
import type { Pace } from './limits.ts';
import { checkMessage, readMessageHead } from './message-head.ts';
import { countItem, type FolderReport } from './report.ts';
import { withRetry, type RetryPolicy } from './retry.ts';
import { TooLargeError, type Spool, type SpooledMessage } from './spool.ts';

export interface FolderOptions {
  dryRun: boolean;
  kinds: ReadonlySet<ItemKind>;
  /** Items per fetch and per store transaction. */
  batchItems: number;
  /** In-memory bytes per batch before it is stored. */
  batchBytes: number;
  /** Items per folder read back and hashed again. */
  sampleSize: number;
  retry: RetryPolicy;
}

export interface FolderContext {
  /** The current session; replaced by reconnect(). */
  session(): SourceSession;
  reconnect(): Promise<void>;
  sink: ImportSink;
  account: TargetAccount | null;
  checkpoints: CheckpointStore;
  scope: string;
  spool: Spool;
  pace: Pace;
  signal: AbortSignal;
  options: FolderOptions;
  /** Tells listeners the report changed. */
  touch(): void;
  now(): string;
}

/** An item fetched and checked, waiting to be stored. */
interface Ready {
  ref: ItemRef;
  key: string;
  identity: string | null;
  sha256: string;
  size: number;
  message?: { spooled: SpooledMessage; flags: string[]; keywords: string[]; internalDate: Date | null };
  object?: { kind: 'event' | 'task' | 'contact'; uid: string; text: string };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && code.startsWith('STOA_') ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

/** Batches being stored at once. */
const STORES_IN_FLIGHT = 2;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** What the sample check compares for objects: the text with line endings and folding undone (RFC 5545 §3.1). */
const normalizedText = (text: string) => text.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').trimEnd();

async function hashStream(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function importFolder(ctx: FolderContext, folder: SourceFolder, targetPath: string, specialUse: SourceFolder['specialUse'], report: FolderReport): Promise<void> {
  const { sink, options } = ctx;
  const itemKind = KIND_OF_COLLECTION[folder.kind];
  report.state = 'running';
  report.target = targetPath;
  ctx.touch();

  let target: TargetFolder | null = null;
  const supported = sink.accepts.has(itemKind);
  if (supported && ctx.account) {
    target = options.dryRun
      ? await sink.findFolder(ctx.account, targetPath, folder.kind, specialUse)
      : await sink.ensureFolder(ctx.account, targetPath, folder.kind, specialUse);
    if (target) {
      report.target = target.path;
      report.created = target.created;
    }
  }

  // The ledger is trusted only under the folder's current validity; it is written before any entry.
  const checkpoint = await ctx.checkpoints.getFolder(ctx.scope, folder.key);
  const ledgerValid = checkpoint === null || checkpoint.validity === folder.validity;
  if (!ledgerValid) report.notes.push('the source renumbered this folder since the last run (UIDVALIDITY changed): items are matched by content instead');
  if (!options.dryRun) {
    if (!ledgerValid) await ctx.checkpoints.forgetFolder(ctx.scope, folder.key);
    await ctx.checkpoints.putFolder(ctx.scope, folder.key, { validity: folder.validity, complete: false, updatedAt: ctx.now() });
  }

  // What the target already holds: content hashes and Message-IDs (mail) or UIDs (groupware).
  const hashes = new Set<string>();
  const identities = new Set<string>();
  if (target) {
    if (folder.kind === 'mail') {
      for await (const page of sink.existingMessages(ctx.account!, target)) {
        for (const m of page) {
          hashes.add(m.sha256);
          if (m.messageId) identities.add(m.messageId);
        }
      }
    } else {
      for await (const page of sink.existingObjects(ctx.account!, target)) for (const uid of page) identities.add(uid);
    }
  }
  const seenUids = new Set<string>();
  const processed = new Set<string>();

  const record = async (entries: LedgerEntry[]) => {
    if (!options.dryRun && entries.length > 0) await ctx.checkpoints.record(ctx.scope, folder.key, entries);
  };
  const outcome = (ref: ItemRef, status: 'skipped' | 'failed', code: Parameters<typeof countItem>[1]['code'], detail: string, label: string | null = null) => {
    countItem(report, { status, code, detail, key: ref.key, label });
  };

  /** Checks one fetched item; returns it ready to store, or counts why not. */
  async function prepare(result: FetchResult, ledger: LedgerEntry[]): Promise<Ready | null> {
    const { ref } = result;
    if ('error' in result) {
      if (result.error instanceof DuplicateUidError) {
        outcome(ref, 'skipped', 'duplicate-uid', describe(result.error));
        ledger.push({ key: ref.key, status: 'skipped', sha256: null, messageId: result.error.uid, reason: 'duplicate-uid' });
        return null;
      }
      const malformed = result.error instanceof MalformedError;
      outcome(ref, 'failed', malformed ? 'malformed' : 'source-error', describe(result.error));
      ledger.push({ key: ref.key, status: 'failed', sha256: null, messageId: null, reason: describe(result.error) });
      return null;
    }
    const item = result.item;
    if (item.kind === 'message') {
      let spooled: SpooledMessage;
      try {
        spooled = await ctx.spool.take(item.body);
      } catch (err) {
        if (isRetryable(err)) throw err;
        // The connection dropped in the middle of a streamed message: reconnect and fetch it again.
        if (isConnectionError(err)) throw new SourceError('transient', `the source dropped the connection: ${describe(err)}`, { cause: err });
        const code = err instanceof TooLargeError ? 'too-large' : 'source-error';
        outcome(ref, 'failed', code, describe(err));
        ledger.push({ key: ref.key, status: 'failed', sha256: null, messageId: null, reason: describe(err) });
        return null;
      }
      try {
        checkMessage(spooled.head, spooled.size);
      } catch (err) {
        await spooled.dispose();
        outcome(ref, 'failed', 'malformed', describe(err));
        ledger.push({ key: ref.key, status: 'failed', sha256: spooled.sha256, messageId: null, reason: describe(err) });
        return null;
      }
      const head = readMessageHead(spooled.head);
      // Idempotence on Message-ID plus content hash: the same bytes are the same message.
      if (hashes.has(spooled.sha256)) {
        await spooled.dispose();
        outcome(ref, 'skipped', 'duplicate', `the target folder already holds this message${head.messageId ? ` (${head.messageId})` : ''}`);
        ledger.push({ key: ref.key, status: 'skipped', sha256: spooled.sha256, messageId: head.messageId, reason: 'duplicate' });
        return null;
      }
      hashes.add(spooled.sha256);
      const { flags, keywords } = splitFlags([...item.flags, ...item.keywords]);
      return {
        ref, key: ref.key, identity: head.messageId, sha256: spooled.sha256, size: spooled.size,
        message: { spooled, flags, keywords, internalDate: item.internalDate ?? head.date },
      };
    }
    const split = item.kind === 'contact' ? splitVCards(item.text, ref.key) : splitCalendar(item.text, ref.key);
    const failedPart = split.find((s) => 'error' in s);
    if (failedPart && 'error' in failedPart) {
      const dup = failedPart.error instanceof DuplicateUidError;
      outcome(ref, dup ? 'skipped' : 'failed', dup ? 'duplicate-uid' : 'malformed', describe(failedPart.error));
      ledger.push({ key: ref.key, status: dup ? 'skipped' : 'failed', sha256: null, messageId: null, reason: describe(failedPart.error) });
      return null;
    }
    if (split.length !== 1) {
      outcome(ref, 'failed', 'malformed', `one item holds ${split.length} objects`);
      return null;
    }
    const object = (split[0] as { object: { uid: string; text: string; kind?: 'event' | 'task' } }).object;
    const kind = item.kind === 'contact' ? 'contact' : (object.kind ?? item.kind);
    const hash = sha256(normalizedText(object.text));
    // The UID as the target compares it (a vCard's "urn:uuid:" prefix is not part of it for CardDAV).
    const identity = sink.objectIdentity?.(kind, object.uid) ?? object.uid;
    if (seenUids.has(identity)) {
      outcome(ref, 'skipped', 'duplicate-uid', `UID ${object.uid} appears more than once in this source folder; the first one was kept`);
      ledger.push({ key: ref.key, status: 'skipped', sha256: hash, messageId: identity, reason: 'duplicate-uid' });
      return null;
    }
    seenUids.add(identity);
    if (identities.has(identity)) {
      outcome(ref, 'skipped', 'duplicate', `the target already holds UID ${object.uid}`);
      ledger.push({ key: ref.key, status: 'skipped', sha256: hash, messageId: identity, reason: 'duplicate' });
      return null;
    }
    identities.add(identity);
    return { ref, key: ref.key, identity, sha256: hash, size: Buffer.byteLength(object.text), object: { kind, uid: object.uid, text: object.text } };
  }

  /** Fetches and prepares one batch, reconnecting when the source drops the connection. */
  async function fetchBatch(refs: ItemRef[]): Promise<{ ready: Ready[]; ledger: LedgerEntry[] }> {
    const ready: Ready[] = [];
    const ledger: LedgerEntry[] = [];
    let remaining = refs;
    await withRetry(async () => {
      for await (const result of ctx.session().fetch(folder, remaining)) {
        const r = await prepare(result, ledger);
        if (r) ready.push(r);
        remaining = remaining.filter((x) => x !== result.ref);
      }
    }, options.retry, { signal: ctx.signal, pace: ctx.pace, beforeRetry: () => ctx.reconnect() });
    return { ready, ledger };
  }

  async function verify(r: Ready, imported: { uid: number } | null): Promise<void> {
    const sample = report.sample;
    if (sample.checked >= options.sampleSize || !target || !ctx.account) return;
    // A spread-out, repeatable sample: the first item, then those whose hash starts with "0" (about 1 in 16).
    if (report.imported > 1 && !r.sha256.startsWith('0')) return;
    sample.checked++;
    let stored: string | null = null;
    if (r.message && imported) stored = await hashStream(await sink.readMessage(ctx.account, target, imported));
    else if (r.object) {
      const text = await sink.readObject(ctx.account, target, r.object.uid);
      stored = text === null ? null : sha256(normalizedText(text));
    }
    if (stored === r.sha256) sample.matched++;
    else sample.mismatched.push(r.key);
  }

  /** Stores a batch: pending in the ledger first, then the target, then imported. */
  async function store(ready: Ready[], ledger: LedgerEntry[]): Promise<void> {
    await record(ledger);
    if (ready.length === 0) return;
    if (options.dryRun || !target || !ctx.account) {
      for (const r of ready) {
        countItem(report, { status: 'imported', bytes: r.size });
        await r.message?.spooled.dispose();
      }
      return;
    }
    await record(ready.map((r) => ({ key: r.key, status: 'pending', sha256: r.sha256, messageId: r.identity, reason: null })));
    const done: LedgerEntry[] = [];
    const stored = async (r: Ready, imported: { uid: number } | null) => {
      countItem(report, { status: 'imported', bytes: r.size });
      done.push({ key: r.key, status: 'imported', sha256: r.sha256, messageId: r.identity, reason: null });
      await verify(r, imported);
    };
    const failed = (r: Ready, err: unknown) => {
      outcome(r.ref, 'failed', 'target-error', describe(err));
      done.push({ key: r.key, status: 'failed', sha256: r.sha256, messageId: r.identity, reason: describe(err) });
    };
    const asMessage = (r: Ready): ImportMessage => ({
      head: r.message!.spooled.head, open: () => r.message!.spooled.source(), size: r.size, sha256: r.sha256,
      flags: r.message!.flags, keywords: r.message!.keywords, internalDate: r.message!.internalDate,
    });
    try {
      const messages = ready.filter((r) => r.message);
      if (messages.length > 0) {
        const results = await sink.importMessages(ctx.account, target, messages.map(asMessage));
        for (const [i, r] of messages.entries()) {
          const result = results[i];
          if ('error' in result) failed(r, result.error);
          else await stored(r, result);
        }
      }
      for (const r of ready.filter((x) => x.object)) {
        try {
          const object = { kind: r.object!.kind, uid: r.object!.uid, text: r.object!.text };
          if (r.object!.kind === 'contact') await sink.importContact(ctx.account, target, object);
          else await sink.importCalendarObject(ctx.account, target, object);
          await stored(r, null);
        } catch (err) {
          failed(r, err);
        }
      }
    } finally {
      for (const r of ready) await r.message?.spooled.dispose();
      await record(done);
    }
  }

  /** Sorts a listed batch by what the ledger knows; returns what still has to be fetched. */
  async function triage(refs: ItemRef[]): Promise<ItemRef[]> {
    const known = ledgerValid ? await ctx.checkpoints.lookup(ctx.scope, folder.key, refs.map((r) => r.key)) : new Map<string, LedgerEntry>();
    const fetch: ItemRef[] = [];
    const confirmed: LedgerEntry[] = [];
    for (const ref of refs) {
      const entry = known.get(ref.key);
      if (entry && (entry.status === 'imported' || (entry.status === 'skipped' && entry.reason === 'duplicate'))) {
        countItem(report, { status: 'skipped', code: 'already-imported' });
        continue;
      }
      // Stored just before a crash, or not: the target's content decides.
      if (entry?.status === 'pending' && ((entry.sha256 && hashes.has(entry.sha256)) || (entry.messageId && identities.has(entry.messageId)))) {
        countItem(report, { status: 'skipped', code: 'already-imported' });
        confirmed.push({ ...entry, status: 'imported' });
        continue;
      }
      if (!supported) {
        outcome(ref, 'failed', 'unsupported', `no ${itemKind === 'contact' ? 'contacts' : 'calendar'} service is connected to the importer yet`);
        continue;
      }
      fetch.push(ref);
    }
    await record(confirmed);
    return fetch;
  }

  // List, triage and fetch batch by batch; store batch N while fetching N+1.
  let batch: ItemRef[] = [];
  let batchSize = 0;
  const storing: Promise<void>[] = [];
  const flush = async () => {
    const refs = batch;
    batch = [];
    batchSize = 0;
    const toFetch = await triage(refs);
    ctx.touch();
    if (toFetch.length === 0) return;
    await ctx.pace.take(toFetch.length, ctx.signal);
    let fetched;
    try {
      fetched = await fetchBatch(toFetch);
    } catch (err) {
      // The source is gone for good (retries spent, or wrong credentials now): these items failed, and so does the folder.
      for (const ref of toFetch) outcome(ref, 'failed', 'source-error', describe(err));
      throw new FolderFailure(err);
    }
    // Two batches may be stored at once: the tail of one overlaps the start of the next.
    while (storing.length >= STORES_IN_FLIGHT) await storing.shift();
    const next = store(fetched.ready, fetched.ledger).then(() => ctx.touch());
    // Marked handled here; awaited (and so thrown) before later batches and at the end.
    next.catch(() => undefined);
    storing.push(next);
  };

  const list = async () => {
    for await (const ref of ctx.session().items(folder)) {
      if (processed.has(ref.key)) continue;
      processed.add(ref.key);
      report.atSource++;
      batch.push(ref);
      batchSize += ref.size ?? 0;
      if (batch.length >= options.batchItems || batchSize >= options.batchBytes) await flush();
      if (ctx.signal.aborted) return;
    }
    await flush();
  };
  let listed: unknown = null;
  try {
    await withRetry(list, options.retry, { signal: ctx.signal, pace: ctx.pace, beforeRetry: () => ctx.reconnect() });
  } catch (err) {
    listed = err;
  }
  // Every batch in flight ends before the folder does, and its failure is the folder's.
  const stored = await Promise.allSettled(storing.splice(0));
  ctx.touch();
  if (listed) throw listed;
  const lost = stored.find((r) => r.status === 'rejected');
  if (lost) throw (lost as PromiseRejectedResult).reason;
  if (ctx.signal.aborted) {
    report.state = 'interrupted';
    return;
  }
  if (!options.dryRun) await ctx.checkpoints.putFolder(ctx.scope, folder.key, { validity: folder.validity, complete: report.failed === 0, updatedAt: ctx.now() });
  report.state = 'done';
}

/** A folder that cannot go on; its cause is what the report shows. */
export class FolderFailure extends Error {
  constructor(cause: unknown) {
    super(describe(cause), { cause });
    this.name = 'FolderFailure';
  }
}

export { SourceError };
