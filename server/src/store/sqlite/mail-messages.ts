// The SQLite MessageStore: writes delegate to mail-append.ts and
// mail-rows.ts; reads are shaped for IMAP (compact lists, UID order).
import { StoaError } from '../../errors/catalogue.ts';
import type { Envelope, IndexedHeaders, MimePart } from '../../../../shared/src/schemas/message-index.ts';
import { applyFlags, decodeFlags, encodeFlags, sameFlags } from '../../model/mail-flags.ts';
import { uidSetHas, uidSpans } from '../../model/uid-set.ts';
import type { UidSet } from '../../model/mail.ts';
import type { MessageList, MessageStore, StoreFlagsResult } from '../mail-port.ts';
import { appendMessages, copyMessages, deliverMessage, rowsInSet } from './mail-append.ts';
import { changesSince, pruneExpungeLog } from './mail-expunge-log.ts';
import { MESSAGE_SELECT, bumpModseq, decodeMessage, encodeKeywords, parseKeywords, removeCopies, requireMailbox } from './mail-rows.ts';
import { filterMessages, searchMessageText, summarizeMessages } from './mail-search.ts';
import { keywordsInUse, selectMailbox } from './mail-selection.ts';
import type { Executor } from './sqlite-executor.ts';

// Array rows: 100k message objects with named keys would cost more than the query.
const LIST_SQL = 'SELECT uid, modseq, flags, keywords, size FROM mail_messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid /* arrays */';
const MAX_UID = 0xffffffff;

export function sqliteMessageStore(x: Executor): MessageStore {
  return {
    append: (mailboxId, items, now) => x.write((c) => appendMessages(c, mailboxId, items, now)),
    deliver: (targets, item, now) => x.write((c) => deliverMessage(c, targets, item, now)),
    copy: (from, uids, to, now) => x.write((c) => copyMessages(c, from, uids, to, now, false)),
    move: (from, uids, to, now) => x.write((c) => copyMessages(c, from, uids, to, now, true)),

    list: (mailboxId, uids) => x.read((c): MessageList => {
      requireMailbox(c, mailboxId);
      const stmt = c.statement(LIST_SQL);
      stmt.setReturnArrays(true);
      const rows: [number, number, number, string | null, number][] = [];
      const { spans, exact } = uids ? uidSpans(uids) : { spans: [[1, MAX_UID]] as UidSet, exact: true };
      for (const [start, end] of spans) {
        for (const row of stmt.all(mailboxId, start, end) as unknown as [number, number, number, string | null, number][]) {
          if (exact || uidSetHas(uids!, row[0])) rows.push(row);
        }
      }
      const n = rows.length;
      const list: MessageList = {
        uids: new Uint32Array(n), modseqs: new Float64Array(n), systemFlags: new Uint8Array(n), keywords: new Map(), sizes: new Float64Array(n),
      };
      for (let i = 0; i < n; i++) {
        const [uid, modseq, flags, keywords, size] = rows[i];
        list.uids[i] = uid;
        list.modseqs[i] = modseq;
        list.systemFlags[i] = flags;
        list.sizes[i] = size;
        if (keywords !== null) list.keywords.set(uid, JSON.parse(keywords) as string[]);
      }
      return list;
    }),

    selection: (mailboxId) => x.read((c) => selectMailbox(c, mailboxId)),
    keywordsInUse: (mailboxId) => x.read((c) => keywordsInUse(c, mailboxId)),

    fetch: (mailboxId, uids) => x.read((c) => {
      const out = [];
      const { spans, exact } = uidSpans(uids);
      for (const [start, end] of spans) {
        for (const row of c.all(`${MESSAGE_SELECT} WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? ORDER BY m.uid`, mailboxId, start, end)) {
          if (exact || uidSetHas(uids, Number(row.uid))) out.push(decodeMessage(row));
        }
      }
      return out;
    }),

    storeFlags: (mailboxId, uids, request) => x.write((c): StoreFlagsResult => {
      const mailbox = requireMailbox(c, mailboxId);
      const change = encodeFlags(request.flags);
      const result: StoreFlagsResult = { modseq: mailbox.highestModSeq, changed: [], failed: [] };
      let modseq = 0;
      for (const row of rowsInSet(c, mailboxId, uids, 'uid, modseq, flags, keywords')) {
        const uid = Number(row.uid);
        // RFC 7162 §3.1.3: a message modified after UNCHANGEDSINCE is left alone and reported.
        if (request.unchangedSince !== undefined && Number(row.modseq) > request.unchangedSince) {
          result.failed.push(uid);
          continue;
        }
        const current = { bits: Number(row.flags), keywords: parseKeywords(row.keywords) ?? [] };
        const next = applyFlags(current, request.mode, change);
        if (sameFlags(current, next)) continue;
        // One MODSEQ for the whole command, allocated at its first real change.
        if (modseq === 0) modseq = bumpModseq(c, mailboxId);
        c.run('UPDATE mail_messages SET flags = ?, keywords = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?',
          next.bits, encodeKeywords(next.keywords), modseq, mailboxId, uid);
        result.changed.push({ uid, modseq, flags: decodeFlags(next.bits, next.keywords) });
      }
      if (modseq !== 0) result.modseq = modseq;
      return result;
    }),

    expunge: (mailboxId, uids) => x.write((c) => {
      const mailbox = requireMailbox(c, mailboxId);
      const rows = uids
        ? rowsInSet(c, mailboxId, uids, 'uid, flags').filter((r) => (Number(r.flags) & 8) !== 0)
        : c.all('SELECT uid FROM mail_messages WHERE mailbox_id = ? AND (flags & 8) != 0 ORDER BY uid', mailboxId);
      if (rows.length === 0) return { uids: [], modseq: mailbox.highestModSeq };
      const modseq = bumpModseq(c, mailboxId);
      const expunged = rows.map((r) => Number(r.uid));
      removeCopies(c, mailbox, expunged, modseq);
      return { uids: expunged, modseq };
    }),

    changesSince: (mailboxId, modseq, options) => x.read((c) => changesSince(c, mailboxId, modseq, options)),
    pruneExpungeLog: (before) => pruneExpungeLog(x, before),

    filter: (mailboxId, filter) => x.read((c) => filterMessages(c, mailboxId, filter)),
    searchText: (mailboxId, text) => x.read((c) => searchMessageText(c, mailboxId, text)),
    summaries: (mailboxId, uids, options) => x.read((c) => summarizeMessages(c, mailboxId, uids, options?.envelope === true)),

    body: (blobId) => x.read((c) => {
      const row = c.get('SELECT blob_id, size, envelope, structure, headers, has_attachments FROM mail_bodies WHERE blob_id = ?', blobId);
      if (!row) return null;
      return {
        blobId: String(row.blob_id),
        size: Number(row.size),
        envelope: JSON.parse(String(row.envelope)) as Envelope,
        root: JSON.parse(String(row.structure)) as MimePart,
        headers: JSON.parse(String(row.headers)) as IndexedHeaders,
        hasAttachments: Number(row.has_attachments) === 1,
      };
    }),

    status: (mailboxId) => x.read((c) => {
      const mailbox = requireMailbox(c, mailboxId);
      const row = c.get(
        `SELECT count(*) AS n, coalesce(sum((flags & 1) = 0), 0) AS unseen, coalesce(sum((flags & 8) != 0), 0) AS deleted,
           coalesce(sum(size), 0) AS size, coalesce(sum(uid >= ?), 0) AS recent FROM mail_messages WHERE mailbox_id = ?`,
        mailbox.recentUid, mailboxId,
      );
      if (!row) throw new StoaError('STOA_INTERNAL', 'aggregate returned no row');
      return {
        messages: Number(row.n), unseen: Number(row.unseen), deleted: Number(row.deleted), size: Number(row.size), recent: Number(row.recent),
        uidNext: mailbox.uidNext, uidValidity: mailbox.uidValidity, highestModSeq: mailbox.highestModSeq,
      };
    }),

    usage: (accountId) => x.read((c) => {
      const row = c.get('SELECT bytes, messages FROM mail_usage WHERE account_id = ?', accountId);
      return { bytes: Number(row?.bytes ?? 0), messages: Number(row?.messages ?? 0) };
    }),

    usageOf: (accountIds) => x.read((c) => {
      const out = new Map<string, { bytes: number; messages: number }>();
      // Chunks keep the statement under SQLite's bound-parameter limit.
      for (let i = 0; i < accountIds.length; i += 500) {
        const chunk = accountIds.slice(i, i + 500);
        const rows = c.all(`SELECT account_id, bytes, messages FROM mail_usage WHERE account_id IN (${chunk.map(() => '?').join(',')})`, ...chunk);
        for (const r of rows) out.set(String(r.account_id), { bytes: Number(r.bytes), messages: Number(r.messages) });
      }
      return out;
    }),

    usageByDomain: () => x.read((c) => c.all(
      `SELECT a.domain_id AS domain_id, COUNT(*) AS accounts, SUM(u.bytes) AS bytes, SUM(u.messages) AS messages
       FROM mail_usage u JOIN accounts a ON a.id = u.account_id WHERE a.domain_id IS NOT NULL GROUP BY a.domain_id`,
    ).map((r) => ({ domainId: String(r.domain_id), accounts: Number(r.accounts), bytes: Number(r.bytes), messages: Number(r.messages) }))),
  };
}
