// Stored filter verdicts (filter-port.ts VerdictStore): the searchable
// columns, and the whole record as JSON.
import type { StoredVerdict, VerdictStore } from '../filter-port.ts';
import type { Executor } from './sqlite-executor.ts';

export const FILTER_VERDICTS_SQL = `
  CREATE TABLE filter_verdicts (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    sender TEXT NOT NULL,
    message_id TEXT,
    action TEXT NOT NULL,
    domain_ids TEXT NOT NULL,
    account_ids TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX filter_verdicts_at ON filter_verdicts (at);
  CREATE INDEX filter_verdicts_message_id ON filter_verdicts (message_id) WHERE message_id IS NOT NULL;
`;

export function sqliteVerdictStore(x: Executor): VerdictStore {
  return {
    insert: async (verdicts) => {
      if (verdicts.length === 0) return;
      await x.write((c) => {
        for (const v of verdicts) {
          c.run(
            // A verdict already stored (same id) is skipped; the others of the batch are stored.
            'INSERT INTO filter_verdicts (id, at, sender, message_id, action, domain_ids, account_ids, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
            v.id, v.at, v.sender, v.messageId, v.action, JSON.stringify(v.domainIds), JSON.stringify(v.accountIds), JSON.stringify(v),
          );
        }
      });
    },
    get: (id) => x.read((c) => {
      const row = c.get('SELECT data FROM filter_verdicts WHERE id = ?', id);
      return row ? (JSON.parse(String(row.data)) as StoredVerdict) : null;
    }),
    list: (f, offset, limit) => x.read((c) => {
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (f.domainIds !== null) {
        where.push('EXISTS (SELECT 1 FROM json_each(domain_ids) d WHERE d.value IN (SELECT value FROM json_each(?)))');
        params.push(JSON.stringify(f.domainIds));
      }
      if (f.accountId !== undefined) {
        where.push('EXISTS (SELECT 1 FROM json_each(account_ids) a WHERE a.value = ?)');
        params.push(f.accountId);
      }
      if (f.messageId !== undefined) { where.push('message_id = ?'); params.push(f.messageId); }
      if (f.sender !== undefined) { where.push('sender = ?'); params.push(f.sender); }
      if (f.action !== undefined) { where.push('action = ?'); params.push(f.action); }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = Number(c.get(`SELECT count(*) AS n FROM filter_verdicts ${clause}`, ...params)?.n ?? 0);
      const items = c.all(`SELECT data FROM filter_verdicts ${clause} ORDER BY at DESC, id LIMIT ? OFFSET ?`, ...params, limit, offset)
        .map((r) => JSON.parse(String(r.data)) as StoredVerdict);
      return { items, total };
    }),
    prune: (before) => x.write((c) => c.run('DELETE FROM filter_verdicts WHERE at < ?', before)),
  };
}
