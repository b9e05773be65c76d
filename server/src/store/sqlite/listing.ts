// Paged, filtered, sorted listing shared by every entity. Sorting always ends
// with the id so pages are stable when the sort key has duplicates.
import { StoaError } from '../../errors/catalogue.ts';
import type { DomainScope, ListOptions, Page } from '../port.ts';
import type { Param, Row, SqliteConnection } from './sqlite-connection.ts';

export interface ListSpec<S extends string> {
  table: string;
  /** Sort key → SQL expression (must match an index expression to use it). */
  sort: Record<S, string>;
  /** Columns `q` is matched against. */
  search: readonly string[];
  /** Column that `scope` restricts. */
  scopeColumn: string;
  /** FTS5 trigram table over the search columns (rowid = table rowid), used for q of 3+ characters. */
  trigramIndex?: string;
}

export interface Condition { sql: string; params: Param[] }

/** LIKE pattern for a literal substring: %, _ and the escape character itself are escaped. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export interface ListSql {
  /** Takes itemsParams, then LIMIT and OFFSET. */
  itemsSql: string;
  itemsParams: Param[];
  countSql: string;
  countParams: Param[];
}

/** The two statements of a listing (null when the scope admits nothing); exported for EXPLAIN QUERY PLAN checks. */
export function listSql<S extends string>(spec: ListSpec<S>, opts: ListOptions<S> & { scope: DomainScope }, extra: Condition[]): ListSql | null {
  if (opts.scope !== null && opts.scope.length === 0) return null;
  const sortExpr = spec.sort[opts.sort];
  if (sortExpr === undefined) throw new StoaError('STOA_VALIDATION', `cannot sort by ${String(opts.sort)}`);
  const order = opts.order === 'desc' ? 'DESC' : 'ASC';

  const conditions: Condition[] = [...extra];
  if (opts.q !== undefined && spec.trigramIndex !== undefined && [...opts.q].length >= 3) {
    // A quoted FTS5 string is matched as a substring by the trigram tokenizer.
    conditions.push({
      sql: `rowid IN (SELECT rowid FROM ${spec.trigramIndex} WHERE ${spec.trigramIndex} MATCH ?)`,
      params: [`"${opts.q.replaceAll('"', '""')}"`],
    });
  } else if (opts.q !== undefined && opts.q !== '') {
    // SQLite's LIKE folds ASCII case only; names are compared as typed otherwise.
    const pattern = likePattern(opts.q);
    conditions.push({
      sql: `(${spec.search.map((col) => `${col} LIKE ? ESCAPE '\\'`).join(' OR ')})`,
      params: spec.search.map(() => pattern),
    });
  }
  const where = (all: Condition[]) => (all.length ? `WHERE ${all.map((x) => x.sql).join(' AND ')}` : '');
  const params = (all: Condition[]) => all.flatMap((x) => x.params);
  const orderBy = `ORDER BY ${sortExpr} ${order}, id ${order}`;
  const scope = opts.scope;

  if (scope !== null && scope.length >= 2 && scope.length <= MERGED_SCOPE_MAX) {
    // A few domains: one ordered, limited walk of the (domain, sort key) index
    // per domain, merged. Without this SQLite collects every row of those
    // domains and sorts them to produce one page.
    const one: Condition[] = [{ sql: `${spec.scopeColumn} = ?`, params: [] }, ...conditions];
    const part = `SELECT * FROM (SELECT * FROM ${spec.table} ${where(one)} ${orderBy} LIMIT ?)`;
    const partParams = scope.flatMap((domain) => [domain, ...params(conditions), opts.offset + opts.limit]);
    const inScope: Condition = { sql: `${spec.scopeColumn} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(scope)] };
    return {
      itemsSql: `SELECT * FROM (${scope.map(() => part).join(' UNION ALL ')}) ${orderBy} LIMIT ? OFFSET ?`,
      itemsParams: partParams,
      countSql: `SELECT count(*) AS n FROM ${spec.table} ${where([inScope, ...conditions])}`,
      countParams: params([inScope, ...conditions]),
    };
  }
  if (scope !== null && scope.length === 1) {
    // The common domain-admin case: an equality lets the planner walk the
    // (domain, sort key) index in order and stop after one page.
    conditions.unshift({ sql: `${spec.scopeColumn} = ?`, params: [scope[0]] });
  } else if (scope !== null) {
    conditions.unshift({ sql: `${spec.scopeColumn} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(scope)] });
  }
  return {
    itemsSql: `SELECT * FROM ${spec.table} ${where(conditions)} ${orderBy} LIMIT ? OFFSET ?`,
    itemsParams: params(conditions),
    countSql: `SELECT count(*) AS n FROM ${spec.table} ${where(conditions)}`,
    countParams: params(conditions),
  };
}

/** Scopes up to this many domains are listed by merging per-domain index walks. */
const MERGED_SCOPE_MAX = 16;

export function listRows<S extends string>(
  c: SqliteConnection,
  spec: ListSpec<S>,
  opts: ListOptions<S> & { scope: DomainScope },
  extra: Condition[],
): Page<Row> {
  const sql = listSql(spec, opts, extra);
  if (!sql) return { items: [], total: 0, offset: opts.offset, limit: opts.limit };
  // Items and total from one snapshot, so the total matches the page.
  const own = !c.db.isTransaction;
  if (own) c.exec('BEGIN');
  try {
    const items = c.all(sql.itemsSql, ...sql.itemsParams, opts.limit, opts.offset);
    const total = Number(c.get(sql.countSql, ...sql.countParams)?.n ?? 0);
    return { items, total, offset: opts.offset, limit: opts.limit };
  } finally {
    if (own) c.exec('COMMIT');
  }
}

export function mapPage<T>(page: Page<Row>, decode: (row: Row) => T): Page<T> {
  return { ...page, items: page.items.map(decode) };
}
