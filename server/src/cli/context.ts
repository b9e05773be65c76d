// What every CLI command gets: output streams, the --json switch, the loaded
// configuration and — opened on first use — the store and the services built
// by the same composition root as the server's (services.ts), acting as
// "cli" so every change lands in the audit log under that name.
//
// The CLI never creates a store: only `stoa serve` does. A command run with
// another environment than the server's (another working directory, no
// STOA_DATA_DIR) would otherwise make an empty store somewhere and report
// "No domains." (issue 16 item 19). It names the data directory it opened
// on stderr, and refuses one without a store, saying how to fix it.
import { existsSync, statSync } from 'node:fs';
import type { Actor, Directory } from '../directory/api.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
import { StoaError } from '../errors/catalogue.ts';
import { createLogger } from '../log/logger.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { Services } from '../services.ts';
import type { Store } from '../store/port.ts';
import { openStore } from '../store/open-store.ts';

export const CLI_ACTOR: Actor = Object.freeze({ id: null, login: 'cli', role: 'server-admin', adminDomainIds: Object.freeze([]), ip: null });

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** How the operator chose the data directory, for messages that say where to change it. */
function whereFrom(loaded: LoadedConfig): string {
  if (!loaded.dataDirExplicit) return 'the default ./data of the working directory';
  return loaded.file ? `dataDir in ${loaded.file} or STOA_DATA_DIR` : 'STOA_DATA_DIR';
}

/**
 * Refuses a data directory without a store: the fix is to run the command
 * with the server's configuration, or to start the server once. MongoDB
 * stores are not checked here (the database is created by its first write).
 */
export function requireExistingStore(loaded: LoadedConfig, cwd: string): void {
  const { config } = loaded;
  const fix = `run it with the server's configuration (--config FILE, STOA_CONFIG or STOA_DATA_DIR; this working directory is ${cwd}), or start the server once (stoa serve), which creates the store`;
  const dir = statSync(config.dataDir, { throwIfNoEntry: false });
  if (!dir) throw new StoaError('STOA_DATA_DIR', `the data directory ${config.dataDir} (from ${whereFrom(loaded)}) does not exist; the CLI never creates one: ${fix}`);
  if (!dir.isDirectory()) throw new StoaError('STOA_DATA_DIR', `${config.dataDir} is not a directory`);
  if (config.store.driver === 'sqlite' && !existsSync(config.store.sqlite.path)) {
    throw new StoaError('STOA_DATA_DIR', `there is no Stoa store in ${config.dataDir} (no ${config.store.sqlite.path}); the CLI never creates one: ${fix}`);
  }
}

export class CliContext {
  readonly io: CliIo;
  readonly json: boolean;
  readonly configPath: string | null;
  readonly actor: Actor = CLI_ACTOR;
  #loaded: LoadedConfig | null = null;
  #opened: { store: Store; directory: Directory; services: Services } | null = null;

  constructor(io: CliIo, opts: { json: boolean; configPath: string | null }) {
    this.io = io;
    this.json = opts.json;
    this.configPath = opts.configPath;
  }

  config(): LoadedConfig {
    this.#loaded ??= loadConfig({ configPath: this.configPath, env: this.io.env, cwd: this.io.cwd });
    return this.#loaded;
  }

  /**
   * Checks that the data directory holds a store, opens it (openStore
   * applies pending migrations) and builds the services. Never creates a
   * data directory or a database.
   */
  async open(): Promise<{ store: Store; directory: Directory; services: Services }> {
    if (this.#opened) return this.#opened;
    const loaded = this.config();
    const { config } = loaded;
    requireExistingStore(loaded, this.io.cwd);
    if (!this.json) this.err(`stoa: data directory ${config.dataDir} (${config.store.driver === 'sqlite' ? config.store.sqlite.path : `MongoDB database ${config.store.mongodb.database}`})`);
    const store = await openStore(config);
    try {
      // Loaded on first use: commands that touch no data (help, version) start without it.
      const { createServices } = await import('../services.ts');
      const logger = createLogger({ ...config, log: { ...config.log, level: 'warn' } }, { destination: this.io.stderr });
      // Directory bind passwords named by an environment variable are read from the CLI's own environment.
      const services = createServices(config, store, logger, { defaultMetrics: false, env: this.io.env });
      this.#opened = { store, directory: services.directory, services };
    } catch (err) {
      await store.close();
      throw err;
    }
    return this.#opened;
  }

  /**
   * The outbound queue over the same store and configuration as the server,
   * without a delivery worker: what the CLI changes, the server's worker
   * picks up at its next scan.
   */
  async queue(): Promise<QueueService> {
    return (await this.open()).services.queue;
  }

  async close(): Promise<void> {
    const opened = this.#opened;
    this.#opened = null;
    if (opened) {
      await opened.directory.close();
      await opened.store.close();
    }
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** --json prints the value; otherwise `human()` renders it. */
  emit(value: unknown, human: () => string): void {
    if (this.json) this.out(JSON.stringify(value, null, 2));
    else this.out(human());
  }
}
