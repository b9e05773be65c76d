// What every CLI command gets: output streams, the --json switch, the loaded
// configuration and — opened on first use — the store and the services built
// by the same composition root as the server's (services.ts), acting as
// "cli" so every change lands in the audit log under that name.
import type { Actor, Directory } from '../directory/api.ts';
import { ensureDataDir } from '../config/data-dir.ts';
import { loadConfig, type LoadedConfig } from '../config/load.ts';
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

  /** Checks the data directory, opens the store (openStore applies pending migrations) and builds the services. */
  async open(): Promise<{ store: Store; directory: Directory; services: Services }> {
    if (this.#opened) return this.#opened;
    const { config, dataDirExplicit } = this.config();
    ensureDataDir(config.dataDir, !dataDirExplicit);
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
