// SEARCH primitives on SQLite (RFC 9051 §6.4.4): metadata filters in SQL,
// text through the FTS5 trigram index (see mail-schema.ts for the choice).
import { encodeFlags } from '../../model/mail-flags.ts';
import { foldForSearch } from '../../model/mail-ids.ts';
import type { Envelope, IndexedHeaders } from '../../../../shared/src/schemas/message-index.ts';
import type { MessageFilter, MessageSummary, UidSet } from '../mail-port.ts';
import { uidSetHas } from '../../model/uid-set.ts';
import type { Param, SqliteConnection } from './sqlite-connection.ts';
import { FTS_INDEXED_CHARS, parseKeywords } from './mail-rows.ts';

/** Up to this many UID ranges go into the SQL; more are checked in memory. */
const SQL_RANGES = 32;

export function filterMessages(c: SqliteConnection, mailboxId: string, f: MessageFilter): number[] {
  const where = ['mailbox_id = ?'];
  const params: Param[] = [mailboxId];
  const withFlags = encodeFlags(f.withFlags ?? []);
  const withoutFlags = encodeFlags(f.withoutFlags ?? []);
  if (withFlags.bits) { where.push('(flags & ?) = ?'); params.push(withFlags.bits, withFlags.bits); }
  if (withoutFlags.bits) { where.push('(flags & ?) = 0'); params.push(withoutFlags.bits); }
  if (f.larger !== undefined) { where.push('size > ?'); params.push(f.larger); }
  if (f.smaller !== undefined) { where.push('size < ?'); params.push(f.smaller); }
  if (f.since !== undefined) { where.push('internal_date >= ?'); params.push(Date.parse(f.since)); }
  if (f.before !== undefined) { where.push('internal_date < ?'); params.push(Date.parse(f.before)); }
  if (f.modseqAbove !== undefined) { where.push('modseq > ?'); params.push(f.modseqAbove); }
  if (f.savedSince !== undefined) { where.push('save_date >= ?'); params.push(Date.parse(f.savedSince)); }
  if (f.savedBefore !== undefined) { where.push('save_date < ?'); params.push(Date.parse(f.savedBefore)); }
  if (f.emailId !== undefined) { where.push('email_id = ?'); params.push(f.emailId); }
  if (f.threadId !== undefined) { where.push('thread_id = ?'); params.push(f.threadId); }
  const rangesInSql = f.uids !== undefined && f.uids.length <= SQL_RANGES;
  if (f.uids !== undefined && rangesInSql) {
    if (f.uids.length === 0) return [];
    where.push(`(${f.uids.map(() => 'uid BETWEEN ? AND ?').join(' OR ')})`);
    for (const [a, b] of f.uids) params.push(a, b);
  }
  const needKeywords = withFlags.keywords.length > 0 || withoutFlags.keywords.length > 0;
  const rows = c.all(`SELECT uid${needKeywords ? ', keywords' : ''} FROM mail_messages WHERE ${where.join(' AND ')} ORDER BY uid`, ...params);
  const want = withFlags.keywords.map((k) => k.toLowerCase());
  const avoid = withoutFlags.keywords.map((k) => k.toLowerCase());
  const out: number[] = [];
  for (const row of rows) {
    const uid = Number(row.uid);
    if (f.uids !== undefined && !rangesInSql && !uidSetHas(f.uids, uid)) continue;
    if (needKeywords) {
      const have = new Set((parseKeywords(row.keywords) ?? []).map((k) => k.toLowerCase()));
      if (!want.every((k) => have.has(k)) || avoid.some((k) => have.has(k))) continue;
    }
    out.push(uid);
  }
  return out;
}

/**
 * The folding the exact scans compare with: foldForSearch, plus the
 * equivalences the index's tokenizer folds and foldForSearch does not
 * (compatibility forms such as ſ, µ, ϑ; final sigma; the iota subscript), so
 * a body found by the index is never lost to the check of its text.
 */
export function foldForScan(text: string): string {
  return foldForSearch(text.normalize('NFKC').replace(/\u0345/g, 'ι')).replace(/ς/g, 'σ');
}

/** Index lookups use at most this many of a term's trigrams: the rest only narrow further, and the text check is exact. */
const MAX_QUERY_TRIGRAMS = 12;

/**
 * The FTS5 query for a term of 3+ characters: its trigrams, each a quoted
 * string the trigram tokenizer reads as one token, all required. The index
 * has no positions (detail=none, mail-schema.ts), so this finds the bodies
 * holding every trigram anywhere: candidates, checked against their text
 * unless the term is one trigram. The tokenizer folds case and Latin accents
 * on both sides, so the term goes in unfolded (NFC, like the indexed text).
 */
export function trigramQuery(term: string): { query: string; exact: boolean } {
  const chars = [...term.normalize('NFC')];
  const grams = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))];
  const picked = grams.length <= MAX_QUERY_TRIGRAMS
    ? grams
    : Array.from({ length: MAX_QUERY_TRIGRAMS }, (_, i) => grams[Math.round((i * (grams.length - 1)) / (MAX_QUERY_TRIGRAMS - 1))]);
  return { query: picked.map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND '), exact: chars.length === 3 };
}

export function searchMessageText(c: SqliteConnection, mailboxId: string, text: string): number[] {
  const needle = foldForScan(text);
  if ([...text.normalize('NFC')].length >= 3) {
    const { query, exact } = trigramQuery(text);
    // Index candidates, plus the bodies the index cannot answer for, scanned
    // exactly: texts longer than the indexed part (FTS_INDEXED_CHARS;
    // octet_length reads no content, and bytes >= characters) and bodies still
    // waiting for the background indexer (search-indexer.ts). One statement,
    // so one snapshot: a batch the indexer commits in between cannot hide a
    // body from both halves. A candidate's text is read only when it must be
    // checked (a term of more than one trigram).
    const rows = c.all(
      `SELECT m.uid, ${exact ? 'NULL' : 'b.search_text'} AS text FROM mail_search s JOIN mail_messages m ON m.body_id = s.rowid
         ${exact ? '' : 'JOIN mail_bodies b ON b.id = s.rowid'}
         WHERE mail_search MATCH ? AND m.mailbox_id = ?
       UNION ALL
       SELECT m.uid, b.search_text FROM mail_messages m JOIN mail_bodies b ON b.id = m.body_id
         WHERE m.mailbox_id = ? AND octet_length(b.search_text) > ?
       UNION ALL
       SELECT m.uid, b.search_text FROM mail_search_pending p JOIN mail_messages m ON m.body_id = p.body_id
         JOIN mail_bodies b ON b.id = p.body_id WHERE m.mailbox_id = ?`,
      query, mailboxId, mailboxId, FTS_INDEXED_CHARS, mailboxId,
    );
    const hits = new Set<number>();
    for (const r of rows) {
      const uid = Number(r.uid);
      if (r.text === null || (!hits.has(uid) && foldForScan(String(r.text)).includes(needle))) hits.add(uid);
    }
    return [...hits].sort((a, b) => a - b);
  }
  // Fewer than 3 characters: no trigram to look up, so read the mailbox's texts.
  const rows = c.all(
    'SELECT m.uid, b.search_text FROM mail_messages m JOIN mail_bodies b ON b.id = m.body_id WHERE m.mailbox_id = ? ORDER BY m.uid',
    mailboxId,
  );
  return rows.filter((r) => foldForScan(String(r.search_text)).includes(needle)).map((r) => Number(r.uid));
}

// Array rows (see LIST_SQL in mail-messages.ts): 100k named-key objects cost more than the query.
const SUMMARY_COLUMNS = 'm.uid, b.blob_id, m.size, m.internal_date, b.headers';

export function summarizeMessages(c: SqliteConnection, mailboxId: string, uids: UidSet, envelope: boolean): MessageSummary[] {
  if (uids.length === 0) return [];
  const columns = envelope ? `${SUMMARY_COLUMNS}, b.envelope` : SUMMARY_COLUMNS;
  const from = 'FROM mail_messages m JOIN mail_bodies b ON b.id = m.body_id WHERE m.mailbox_id = ?';
  // Few ranges: one seek each; many (a scattered candidate set): one scan of the mailbox.
  const perRange = uids.length <= SQL_RANGES;
  const stmt = c.statement(perRange
    ? `SELECT ${columns} ${from} AND m.uid BETWEEN ? AND ? ORDER BY m.uid /* arrays */`
    : `SELECT ${columns} ${from} ORDER BY m.uid /* arrays */`);
  stmt.setReturnArrays(true);
  type SummaryRow = [number, string, number, number, string, string?];
  const rows = perRange
    ? uids.flatMap(([a, b]) => stmt.all(mailboxId, a, b) as unknown as SummaryRow[])
    : (stmt.all(mailboxId) as unknown as SummaryRow[]).filter((r) => uidSetHas(uids, r[0]));
  return rows.map(([uid, blobId, size, internal, headers, env]) => ({
    uid, blobId, size, internalDate: new Date(internal).toISOString(),
    headers: JSON.parse(headers) as IndexedHeaders, envelope: env === undefined ? null : JSON.parse(env) as Envelope,
  }));
}
