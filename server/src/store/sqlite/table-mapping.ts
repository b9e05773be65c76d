// Declarative mapping between domain objects and rows: booleans as 0/1,
// arrays and records as JSON text, everything else as is.
import { StoaError } from '../../errors/catalogue.ts';
import type { Param, Row, SqliteConnection } from './sqlite-connection.ts';

export type FieldKind = 'value' | 'bool' | 'json';

export interface TableMap<T> {
  table: string;
  /** Object field → [column, kind]. */
  fields: { readonly [K in keyof T & string]-?: readonly [string, FieldKind] };
}

function encode(kind: FieldKind, value: unknown): Param {
  if (value === undefined || value === null) return null;
  if (kind === 'bool') return value ? 1 : 0;
  if (kind === 'json') return JSON.stringify(value);
  return value as Param;
}

function decodeValue(kind: FieldKind, value: Param): unknown {
  if (value === null) return null;
  if (kind === 'bool') return value === 1;
  if (kind === 'json') return JSON.parse(String(value));
  return value;
}

export function decodeRow<T>(map: TableMap<T>, row: Row): T {
  const out: Record<string, unknown> = {};
  for (const [field, [column, kind]] of Object.entries(map.fields) as [string, readonly [string, FieldKind]][]) {
    out[field] = decodeValue(kind, row[column] ?? null);
  }
  return out as T;
}

function insertSql<T>(map: TableMap<T>): string {
  const columns = Object.values(map.fields) as (readonly [string, FieldKind])[];
  return `INSERT INTO ${map.table} (${columns.map(([c]) => c).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

export function insertRow<T>(c: SqliteConnection, map: TableMap<T>, obj: T): void {
  const values = (Object.entries(map.fields) as [string, readonly [string, FieldKind]][])
    .map(([field, [, kind]]) => encode(kind, (obj as Record<string, unknown>)[field]));
  c.run(insertSql(map), ...values);
}

export function getRow<T>(c: SqliteConnection, map: TableMap<T>, column: string, value: Param): T | null {
  const row = c.get(`SELECT * FROM ${map.table} WHERE ${column} = ?`, value);
  return row ? decodeRow(map, row) : null;
}

/** Applies the defined fields of `patch`; STOA_NOT_FOUND when no row has this id. */
export function updateRow<T>(c: SqliteConnection, map: TableMap<T>, id: string, patch: object, immutable: readonly string[]): T {
  const sets: string[] = [];
  const values: Param[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const spec = (map.fields as Record<string, readonly [string, FieldKind]>)[field];
    if (value === undefined || !spec || immutable.includes(field)) continue;
    sets.push(`${spec[0]} = ?`);
    values.push(encode(spec[1], value));
  }
  const changed = sets.length > 0
    ? c.run(`UPDATE ${map.table} SET ${sets.join(', ')} WHERE id = ?`, ...values, id)
    : (c.get(`SELECT 1 AS present FROM ${map.table} WHERE id = ?`, id) ? 1 : 0);
  if (changed === 0) throw new StoaError('STOA_NOT_FOUND', `${map.table} ${id}`);
  return getRow(c, map, 'id', id) as T;
}

export function countWhere(c: SqliteConnection, table: string, column: string, value: Param): number {
  return Number(c.get(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`, value)?.n ?? 0);
}
