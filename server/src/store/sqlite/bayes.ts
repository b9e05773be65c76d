// Classifier token counts per scope (filter-port.ts BayesStore). Token lists
// travel as one JSON parameter (json_each), so every message uses the same
// few prepared statements whatever its token count.
import type { BayesStore, BayesTotals, TrainingClass } from '../filter-port.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { Executor } from './sqlite-executor.ts';

export const BAYES_SQL = `
  CREATE TABLE bayes_tokens (
    scope TEXT NOT NULL,
    token TEXT NOT NULL,
    spam INTEGER NOT NULL DEFAULT 0,
    ham INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, token)
  ) WITHOUT ROWID;
  CREATE TABLE bayes_totals (
    scope TEXT PRIMARY KEY,
    spam INTEGER NOT NULL DEFAULT 0,
    ham INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE TABLE bayes_learned (
    scope TEXT NOT NULL,
    message_key TEXT NOT NULL,
    class TEXT NOT NULL CHECK (class IN ('spam', 'ham')),
    at INTEGER NOT NULL,
    PRIMARY KEY (scope, message_key)
  ) WITHOUT ROWID;
`;

function add(c: SqliteConnection, scope: string, cls: TrainingClass, tokens: string, n: 1 | -1): void {
  const spam = cls === 'spam' ? n : 0;
  const ham = cls === 'ham' ? n : 0;
  if (n > 0) {
    c.run(
      `INSERT INTO bayes_tokens (scope, token, spam, ham) SELECT ?, value, ?, ? FROM json_each(?) WHERE true
       ON CONFLICT (scope, token) DO UPDATE SET spam = spam + excluded.spam, ham = ham + excluded.ham`,
      scope, spam, ham, tokens,
    );
  } else {
    c.run(
      'UPDATE bayes_tokens SET spam = max(0, spam + ?), ham = max(0, ham + ?) WHERE scope = ? AND token IN (SELECT value FROM json_each(?))',
      spam, ham, scope, tokens,
    );
    c.run('DELETE FROM bayes_tokens WHERE scope = ? AND spam = 0 AND ham = 0 AND token IN (SELECT value FROM json_each(?))', scope, tokens);
  }
  c.run(
    `INSERT INTO bayes_totals (scope, spam, ham) VALUES (?, max(0, ?), max(0, ?))
     ON CONFLICT (scope) DO UPDATE SET spam = max(0, spam + ?), ham = max(0, ham + ?)`,
    scope, spam, ham, spam, ham,
  );
}

export function sqliteBayesStore(x: Executor): BayesStore {
  return {
    totals: (scopes) => x.read((c) => {
      const row = c.get('SELECT coalesce(sum(spam), 0) AS spam, coalesce(sum(ham), 0) AS ham FROM bayes_totals WHERE scope IN (SELECT value FROM json_each(?))', JSON.stringify(scopes));
      return { spam: Number(row?.spam ?? 0), ham: Number(row?.ham ?? 0) };
    }),
    counts: (scopes, tokens) => x.read((c) => {
      const out = new Map<string, BayesTotals>();
      const rows = scopes.length === 1
        ? c.all('SELECT token, spam, ham FROM bayes_tokens WHERE scope = ? AND token IN (SELECT value FROM json_each(?))', scopes[0], JSON.stringify(tokens))
        : c.all(
          `SELECT token, sum(spam) AS spam, sum(ham) AS ham FROM bayes_tokens
           WHERE scope IN (SELECT value FROM json_each(?)) AND token IN (SELECT value FROM json_each(?)) GROUP BY token`,
          JSON.stringify(scopes), JSON.stringify(tokens),
        );
      for (const r of rows) out.set(String(r.token), { spam: Number(r.spam), ham: Number(r.ham) });
      return out;
    }),
    learn: (scope, key, cls, tokens, now) => x.write((c) => {
      const prev = c.get('SELECT class FROM bayes_learned WHERE scope = ? AND message_key = ?', scope, key)?.class as TrainingClass | undefined;
      if (prev === cls) return 'unchanged' as const;
      const list = JSON.stringify([...new Set(tokens)]);
      if (prev) add(c, scope, prev, list, -1);
      add(c, scope, cls, list, 1);
      c.run(
        'INSERT INTO bayes_learned (scope, message_key, class, at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, message_key) DO UPDATE SET class = excluded.class, at = excluded.at',
        scope, key, cls, now,
      );
      return prev ? 'moved' as const : 'learned' as const;
    }),
    forget: (scope, key, tokens) => x.write((c) => {
      const prev = c.get('SELECT class FROM bayes_learned WHERE scope = ? AND message_key = ?', scope, key)?.class as TrainingClass | undefined;
      if (!prev) return false;
      add(c, scope, prev, JSON.stringify([...new Set(tokens)]), -1);
      c.run('DELETE FROM bayes_learned WHERE scope = ? AND message_key = ?', scope, key);
      return true;
    }),
  };
}
