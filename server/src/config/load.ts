// Loads the configuration: defaults, then the YAML file, then environment
// variables; validates the result and resolves paths. Every problem is a
// StoaError('STOA_CONFIG_INVALID') whose `errors` name the key, the reason
// and where the value came from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { StoaError, type FieldError } from '../errors/catalogue.ts';
import { ENV_VARS } from './env.ts';
import { configSchema, defaultConfig } from './schema.ts';
import type { StoaConfig } from './types.ts';
import { describeValue, validateAgainst } from './validate.ts';

export const DEFAULT_CONFIG_FILE = 'stoa.yaml';

export interface LoadOptions {
  /** From `--config`; wins over STOA_CONFIG. */
  configPath?: string | null;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  config: StoaConfig;
  /** Absolute path of the file read, or null when running on defaults and environment only. */
  file: string | null;
  /** True when the operator chose the data directory (file or STOA_DATA_DIR); only the default one is created on demand. */
  dataDirExplicit: boolean;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

function configError(errors: FieldError[]): StoaError {
  return new StoaError('STOA_CONFIG_INVALID', errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('\n'), { errors });
}

function pickFile(opts: LoadOptions, env: NodeJS.ProcessEnv, cwd: string): { path: string; explicit: boolean } | null {
  const chosen = opts.configPath ?? (env.STOA_CONFIG ? env.STOA_CONFIG : null);
  if (chosen) return { path: resolve(cwd, chosen), explicit: true };
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? { path: fallback, explicit: false } : null;
}

/** Parses the YAML text; syntax errors name the file, line and column. */
export function parseConfigText(text: string, file: string): Tree {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw configError(doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      const reason = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { path: '', message: `${where}: YAML syntax error: ${reason}` };
    }));
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (!isTree(value)) {
    throw configError([{ path: '', message: `the file must hold a mapping of keys (got ${describeValue(value)}) in ${file}` }]);
  }
  return value;
}

function mergeInto(target: Tree, source: Tree, prefix: string, sources: Map<string, string>, origin: string): void {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix ? `${prefix}.${key}` : key;
    sources.set(path, origin);
    if (isTree(value) && isTree(target[key])) mergeInto(target[key] as Tree, value, path, sources, origin);
    else target[key] = value;
  }
}

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) node = node[key] as Tree;
  node[keys[keys.length - 1]] = value;
}

/** Rules that span several keys, which the schema cannot say. */
function crossChecks(c: StoaConfig, sourceOf: (path: string) => string): FieldError[] {
  const errors: FieldError[] = [];
  if (c.store.driver === 'mongodb' && !c.store.mongodb.url) {
    errors.push({ path: 'store.mongodb.url', message: 'is required when store.driver is "mongodb" (set it in the file or in STOA_MONGODB_URL)' });
  }
  if (c.auth.throttle.maxDelayMs < c.auth.throttle.baseDelayMs) {
    errors.push({ path: 'auth.throttle.maxDelayMs', message: `must not be smaller than auth.throttle.baseDelayMs (${c.auth.throttle.baseDelayMs})${sourceOf('auth.throttle.maxDelayMs')}` });
  }
  // RFC 9106 §3.1: memory size m must be at least 8 × p KiB.
  if (c.auth.argon2.memoryKiB < 8 * c.auth.argon2.parallelism) {
    errors.push({ path: 'auth.argon2.memoryKiB', message: `must be at least 8 × auth.argon2.parallelism (${8 * c.auth.argon2.parallelism})${sourceOf('auth.argon2.memoryKiB')}` });
  }
  errors.push(...queueCrossChecks(c, sourceOf));
  return errors;
}

function queueCrossChecks(c: StoaConfig, sourceOf: (path: string) => string): FieldError[] {
  const errors: FieldError[] = [];
  const { host, auth } = c.queue.smarthost;
  if ((auth.user === null) !== (auth.password === null)) {
    const missing = auth.user === null ? 'queue.smarthost.auth.user' : 'queue.smarthost.auth.password';
    const other = auth.user === null ? 'queue.smarthost.auth.password' : 'queue.smarthost.auth.user';
    const hint = auth.password === null ? ' (set it in STOA_SMARTHOST_PASSWORD, not in the file)' : '';
    errors.push({ path: missing, message: `is required when ${other} is set${sourceOf(other)}${hint}` });
  }
  if (host === null && auth.user !== null) {
    errors.push({ path: 'queue.smarthost.host', message: `is required when queue.smarthost.auth is set${sourceOf('queue.smarthost.auth.user')} (or set STOA_SMARTHOST)` });
  }
  return errors;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const merged = defaultConfig() as unknown as Tree;
  const sources = new Map<string, string>();

  const picked = pickFile(opts, env, cwd);
  let file: string | null = null;
  if (picked) {
    let text: string;
    try {
      text = readFileSync(picked.path, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw configError([{ path: '', message: `cannot read the configuration file ${picked.path}: ${reason}` }]);
    }
    file = picked.path;
    mergeInto(merged, parseConfigText(text, file), '', sources, ` in ${file}`);
  }

  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (v.path === null || raw === undefined || raw === '') continue;
    setPath(merged, v.path, v.parse(raw));
    sources.set(v.path, ` from ${v.name}`);
  }

  const sourceOf = (path: string): string => {
    for (let p = path.replace(/\[\d+\]$/, ''); p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const s = sources.get(p);
      if (s !== undefined) return s;
    }
    return ' (default)';
  };
  const errors = validateAgainst(configSchema, merged, sourceOf);
  if (errors.length > 0) throw configError(errors);
  const config = merged as unknown as StoaConfig;
  const crossErrors = crossChecks(config, sourceOf);
  if (crossErrors.length > 0) throw configError(crossErrors);

  // A data directory written in the file is relative to that file, so a
  // service manager's working directory does not change where data lives.
  const dataDirBase = sources.get('dataDir') === ` in ${file}` && file ? dirname(file) : cwd;
  config.dataDir = resolve(dataDirBase, config.dataDir);
  config.store.sqlite.path = resolve(config.dataDir, config.store.sqlite.path);
  config.store.blobs.path = resolve(config.dataDir, config.store.blobs.path);
  config.directory.secretKeyFile = resolve(config.dataDir, config.directory.secretKeyFile);
  if (config.tls.certFile !== null) config.tls.certFile = resolve(config.dataDir, config.tls.certFile);
  if (config.tls.keyFile !== null) config.tls.keyFile = resolve(config.dataDir, config.tls.keyFile);
  if (config.migration.spoolDir !== null) config.migration.spoolDir = resolve(config.dataDir, config.migration.spoolDir);
  return { config, file, dataDirExplicit: sources.has('dataDir') };
}
