// The outbound queue on SQLite. Every write runs under BEGIN IMMEDIATE (own
// transaction or the caller's atomic()), which holds the database's single
// write lock across processes, so claim's "select due, set lease" is atomic:
// two workers on the same file can never lease the same recipient.
import { StoaError } from '../../errors/catalogue.ts';
import type { QueueLease, QueueStore, QueueSummary, QueuedRecipient } from '../queue-port.ts';
import type { Param } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';
import { decodeAttempt, decodeMessage, decodeRecipient } from './queue-rows.ts';

/** Work left: not final yet, or final with a notice still to send. */
const OPEN = `(status IN ('queued', 'deferred') OR notice_pending IS NOT NULL)`;

export function sqliteQueueStore(x: Executor): QueueStore {
  return {
    enqueue: ({ message: m, recipients }) => x.write((c) => {
      if (recipients.length === 0) throw new StoaError('STOA_VALIDATION', 'a queued message needs at least one recipient');
      // The blob reference commits with the rows that point at the blob.
      const ref = c.get('UPDATE blobs SET refs = refs + 1 WHERE id = ? RETURNING refs', m.blobId);
      if (!ref) throw new StoaError('STOA_NOT_FOUND', `blob ${m.blobId}`);
      c.run(
        `INSERT INTO queue_messages (id, blob_id, sender, created_at, expires_at, ret, env_id, account_id, size, completed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
        m.id, m.blobId, m.sender, m.createdAt, m.expiresAt, m.ret, m.envId, m.accountId, m.size,
      );
      for (const r of recipients) {
        c.run(
          `INSERT INTO queue_recipients (message_id, address, domain, status, attempts, next_attempt_at, notify, orcpt, local_folder, updated_at)
           VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)`,
          m.id, r.address, r.domain, m.createdAt, r.notify === null ? null : JSON.stringify(r.notify), r.orcpt, r.localFolder ?? null, m.createdAt,
        );
      }
    }),

    claim: (opts) => x.write((c) => {
      const skip = JSON.stringify(opts.skipDomains ?? []);
      const groups = c.all(
        `SELECT message_id, domain, min(next_attempt_at) AS due FROM queue_recipients
         WHERE ${OPEN} AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
           AND domain NOT IN (SELECT value FROM json_each(?))
         GROUP BY message_id, domain ORDER BY due, message_id LIMIT ?`,
        opts.now, opts.now, skip, opts.maxGroups,
      );
      const leaseUntil = opts.now + opts.leaseMs;
      const leases: QueueLease[] = [];
      for (const g of groups) {
        const rows = c.all(
          `UPDATE queue_recipients SET lease_owner = ?, lease_until = ?
           WHERE message_id = ? AND domain = ? AND ${OPEN} AND next_attempt_at <= ?
             AND (lease_until IS NULL OR lease_until <= ?)
           RETURNING *`,
          opts.owner, leaseUntil, g.message_id, g.domain, opts.now, opts.now,
        );
        const msg = c.get('SELECT * FROM queue_messages WHERE id = ?', g.message_id);
        if (!msg || rows.length === 0) continue;
        leases.push({
          message: decodeMessage(msg), domain: String(g.domain), leaseUntil,
          recipients: rows.map(decodeRecipient).sort((a, b) => a.address.localeCompare(b.address)),
        });
      }
      return leases;
    }),

    renew: (owner, messageId, domain, until) => x.write((c) => c.run(
      `UPDATE queue_recipients SET lease_until = ? WHERE message_id = ? AND domain = ? AND lease_owner = ? AND ${OPEN}`,
      until, messageId, domain, owner,
    ) > 0),

    record: (owner, messageId, outcomes, now) => x.write((c) => {
      const updated: string[] = [];
      for (const o of outcomes) {
        const changed = c.run(
          `UPDATE queue_recipients SET status = ?, attempts = attempts + ?, next_attempt_at = ?,
             last_code = coalesce(?, last_code), last_enhanced = CASE WHEN ? IS NULL THEN last_enhanced ELSE ? END,
             last_text = coalesce(?, last_text), lease_owner = NULL, lease_until = NULL,
             delay_notice_sent = max(delay_notice_sent, ?),
             notice_pending = CASE WHEN ? = 1 THEN ? ELSE notice_pending END, updated_at = ?
           WHERE message_id = ? AND address = ? AND lease_owner = ? AND ${OPEN}`,
          o.status, o.attempted ? 1 : 0, o.nextAttemptAt,
          o.response?.code ?? null, o.response?.code ?? null, o.response?.enhanced ?? null,
          o.response?.text ?? null, o.delayNoticeSent ? 1 : 0,
          o.noticePending === undefined ? 0 : 1, o.noticePending ?? null, now,
          messageId, o.address, owner,
        );
        if (changed === 0) continue;
        updated.push(o.address);
        if (o.attempt) {
          const a = o.attempt;
          c.run(
            `INSERT INTO queue_attempts (message_id, address, at, mx_host, ip, tls, code, enhanced, text, result)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            messageId, o.address, a.at, a.mxHost, a.ip, a.tls ? 1 : 0,
            a.response?.code ?? null, a.response?.enhanced ?? null, a.response?.text ?? null, a.result,
          );
        }
      }
      const completed = updated.length > 0 && completeIfFinal(c, messageId, now);
      return { updated, completed };
    }),

    releaseAll: (owner) => x.write((c) => c.run(
      'UPDATE queue_recipients SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?', owner,
    )),

    get: (id) => x.read((c) => {
      const msg = c.get('SELECT * FROM queue_messages WHERE id = ?', id);
      if (!msg) return null;
      const recipients: QueuedRecipient[] = c.all('SELECT * FROM queue_recipients WHERE message_id = ? ORDER BY address', id).map(decodeRecipient);
      return { message: decodeMessage(msg), recipients };
    }),

    attempts: (id) => x.read((c) => c.all('SELECT * FROM queue_attempts WHERE message_id = ? ORDER BY id', id).map(decodeAttempt)),

    list: (filter, offset, limit) => x.read((c) => {
      const where: string[] = [];
      const params: Param[] = [];
      if (!filter.includeCompleted && filter.status !== 'delivered' && filter.status !== 'failed') where.push('m.completed_at IS NULL');
      if (filter.sender !== undefined) { where.push('m.sender = ?'); params.push(filter.sender); }
      if (filter.senderDomains !== undefined) {
        if (filter.senderDomains.length === 0) where.push('0');
        else {
          where.push(`lower(substr(m.sender, instr(m.sender, '@') + 1)) IN (${filter.senderDomains.map(() => '?').join(', ')}) AND instr(m.sender, '@') > 0`);
          params.push(...filter.senderDomains.map((d) => d.toLowerCase()));
        }
      }
      if (filter.status !== undefined || filter.domain !== undefined) {
        const sub: string[] = ['r.message_id = m.id'];
        if (filter.status !== undefined) { sub.push('r.status = ?'); params.push(filter.status); }
        if (filter.domain !== undefined) { sub.push('r.domain = ?'); params.push(filter.domain); }
        where.push(`EXISTS (SELECT 1 FROM queue_recipients r WHERE ${sub.join(' AND ')})`);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const own = !c.db.isTransaction;
      if (own) c.exec('BEGIN');
      try {
        const rows = c.all(
          `SELECT m.*,
             (SELECT count(*) FROM queue_recipients r WHERE r.message_id = m.id) AS n_rcpt,
             (SELECT count(*) FROM queue_recipients r WHERE r.message_id = m.id AND ${OPEN}) AS n_pending,
             (SELECT min(next_attempt_at) FROM queue_recipients r WHERE r.message_id = m.id AND ${OPEN}) AS next_at
           FROM queue_messages m ${clause} ORDER BY m.created_at DESC, m.id DESC LIMIT ? OFFSET ?`,
          ...params, limit, offset,
        );
        const total = Number(c.get(`SELECT count(*) AS n FROM queue_messages m ${clause}`, ...params)?.n ?? 0);
        const items: QueueSummary[] = rows.map((row) => ({
          ...decodeMessage(row),
          recipientCount: Number(row.n_rcpt),
          pendingCount: Number(row.n_pending),
          nextAttemptAt: row.next_at === null ? null : Number(row.next_at),
        }));
        return { items, total };
      } finally {
        if (own) c.exec('COMMIT');
      }
    }),

    retryNow: (id, now) => x.write((c) => c.run(
      `UPDATE queue_recipients SET next_attempt_at = ?, updated_at = ? WHERE message_id = ? AND ${OPEN}`, now, now, id,
    )),

    delete: (id) => x.write((c) => {
      const msg = c.get('SELECT blob_id, completed_at FROM queue_messages WHERE id = ?', id);
      if (!msg) return false;
      // A completed message already gave its reference back.
      if (msg.completed_at === null) c.run('UPDATE blobs SET refs = refs - 1 WHERE id = ? AND refs > 0', msg.blob_id);
      c.run('DELETE FROM queue_messages WHERE id = ?', id);
      return true;
    }),

    nextDue: () => x.read((c) => {
      // Expired leases count as due at their expiry: a dead worker's recipients come back then.
      const row = c.get(
        `SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) AS due FROM queue_recipients WHERE ${OPEN}`,
      );
      return row?.due === null || row?.due === undefined ? null : Number(row.due);
    }),

    purgeCompleted: (before) => x.write((c) => c.run(
      'DELETE FROM queue_messages WHERE completed_at IS NOT NULL AND completed_at < ?', before,
    )),
  };
}

/** Marks the message complete and drops its blob reference once no recipient is open. */
function completeIfFinal(c: Parameters<Parameters<Executor['write']>[0]>[0], messageId: string, now: number): boolean {
  const pending = c.get(`SELECT 1 AS p FROM queue_recipients WHERE message_id = ? AND ${OPEN} LIMIT 1`, messageId);
  if (pending) return false;
  const msg = c.get('UPDATE queue_messages SET completed_at = ? WHERE id = ? AND completed_at IS NULL RETURNING blob_id', now, messageId);
  if (!msg) return false;
  c.run('UPDATE blobs SET refs = refs - 1 WHERE id = ? AND refs > 0', msg.blob_id);
  return true;
}
