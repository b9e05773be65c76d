// A small JSON Schema walker for the configuration. Generic validators say
// "/listeners/http/port must be integer"; an operator editing a YAML file at
// 3 a.m. needs the dotted key, the allowed range, the value they wrote and
// where it came from. It understands exactly the subset schema.ts uses.
import type { TSchema } from 'typebox';
import type { FieldError } from '../errors/catalogue.ts';

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  /** false, or the schema every key not in `properties` must match (a map). */
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  /** Map values (TypeBox Record): every key matches one pattern. */
  patternProperties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function typeMismatch(node: SchemaNode, value: unknown): string | null {
  switch (node.type) {
    case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : 'must be a mapping of keys';
    case 'array': return Array.isArray(value) ? null : 'must be a list';
    case 'boolean': return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string': return typeof value === 'string' ? null : 'must be a string';
    case 'null': return value === null ? null : 'must be null';
    case 'integer':
    case 'number': {
      const range = node.minimum !== undefined && node.maximum !== undefined ? ` between ${node.minimum} and ${node.maximum}` : '';
      const ok = typeof value === 'number' && Number.isFinite(value) && (node.type === 'number' || Number.isInteger(value));
      if (!ok) return `must be ${node.type === 'integer' ? 'an integer' : 'a number'}${range}`;
      if ((node.minimum !== undefined && (value as number) < node.minimum) || (node.maximum !== undefined && (value as number) > node.maximum)) {
        return `must be ${node.type === 'integer' ? 'an integer' : 'a number'}${range}`;
      }
      return null;
    }
    default: return null;
  }
}

function stringMismatch(node: SchemaNode, value: string): string | null {
  if (node.minLength !== undefined && value.length < node.minLength) {
    return node.minLength === 1 ? 'must not be empty' : `must be at least ${node.minLength} characters long`;
  }
  if (node.maxLength !== undefined && value.length > node.maxLength) return `must be at most ${node.maxLength} characters long`;
  if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(value)) return `must match ${node.pattern}`;
  return null;
}

/** Validates `value` against `schema`; `sourceOf(path)` says where the value at that path came from. */
export function validateAgainst(schema: TSchema, value: unknown, sourceOf: (path: string) => string): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, why: string, got: unknown): void => {
    errors.push({ path, message: `${why} (got ${describeValue(got)})${sourceOf(path)}` });
  };

  const walk = (node: SchemaNode, v: unknown, path: string, nullable = false): void => {
    if (node.enum) {
      if (!node.enum.includes(v)) fail(path, `must be one of ${node.enum.map((c) => JSON.stringify(c)).join(', ')}`, v);
      return;
    }
    if (node.anyOf) {
      const consts = node.anyOf.filter((n) => n.const !== undefined).map((n) => n.const);
      // A nullable enum: null or one of the values.
      if (v === null && node.anyOf.some((n) => n.type === 'null')) return;
      if (consts.length === node.anyOf.length) {
        if (!consts.includes(v)) fail(path, `must be one of ${consts.map((c) => JSON.stringify(c)).join(', ')}`, v);
        return;
      }
      // Nullable values: null or the other branch, whose message is the useful one.
      if (v === null && node.anyOf.some((n) => n.type === 'null')) return;
      const branch = node.anyOf.find((n) => n.type !== 'null');
      if (branch) walk(branch, v, path, true);
      return;
    }
    const mismatch = typeMismatch(node, v);
    if (mismatch) {
      fail(path, nullable ? `${mismatch} or null` : mismatch, v);
      return;
    }
    if (node.type === 'string') {
      const bad = stringMismatch(node, v as string);
      if (bad) fail(path, bad, v);
    } else if (node.type === 'array') {
      const list = v as unknown[];
      if (node.maxItems !== undefined && list.length > node.maxItems) fail(path, `must have at most ${node.maxItems} entries`, v);
      if (node.items) list.forEach((item, i) => walk(node.items!, item, `${path}[${i}]`));
    } else if (node.type === 'object') {
      const obj = v as Record<string, unknown>;
      const props = node.properties ?? {};
      for (const key of Object.keys(obj)) {
        const sub = props[key];
        const keyPath = path ? `${path}.${key}` : key;
        const mapValue = node.patternProperties ? Object.values(node.patternProperties)[0] : undefined;
        if (!sub) {
          if (mapValue) {
            walk(mapValue, obj[key], keyPath);
          } else if (typeof node.additionalProperties === 'object') {
            walk(node.additionalProperties, obj[key], keyPath);
          } else if (node.additionalProperties === false) {
            errors.push({ path: keyPath, message: `unknown key (allowed here: ${Object.keys(props).join(', ')})${sourceOf(keyPath)}` });
          }
          continue;
        }
        walk(sub, obj[key], keyPath);
      }
      for (const key of node.required ?? []) {
        const keyPath = path ? `${path}.${key}` : key;
        if (!(key in obj)) errors.push({ path: keyPath, message: `is required${sourceOf(keyPath)}` });
      }
    }
  };
  walk(schema as SchemaNode, value, '');
  return errors;
}
