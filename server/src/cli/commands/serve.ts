// stoa serve: what `npm start` runs. Loads the configuration, checks the data
// directory, starts the server (server/src/main.ts), prints the banner, and
// on SIGINT/SIGTERM closes the listeners first (no new work), then the store.
import { ensureDataDir } from '../../config/data-dir.ts';
import { createLogger, type Logger } from '../../log/logger.ts';
import { describeExposure, scanPermissions } from '../../operations/data-dir-permissions.ts';
import pkg from '../../../../package.json' with { type: 'json' };
import { renderBanner, type StartWarning } from '../banner.ts';
import { CliFailure, standaloneGroup, type CommandGroup } from '../command.ts';

/** A close that hangs (a stuck client, a dead store) must not keep the process from exiting. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Entries of the data directory looked at for loose permissions at start-up (doctor looks at more). */
const START_PERMISSION_SCAN_LIMIT = 20_000;

function waitForStopSignal(logger: Logger): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, 'shutting down');
      // A second signal means the operator does not want to wait for the graceful path.
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

export const serveCommand: CommandGroup = standaloneGroup('run the server (what npm start does)', {
  name: 'serve', summary: 'run every listener until SIGINT or SIGTERM', usage: '[--config FILE]', positionals: 0,
  details: ['Prints where it listens and, on the first start, how to log in.'],
  async run(ctx) {
    const started = performance.now();
    const { config, file, dataDirExplicit } = ctx.config();
    const logger = createLogger(config, { destination: ctx.io.stderr });
    ensureDataDir(config.dataDir, !dataDirExplicit);
    // Listening for signals before the slow steps, so an early Ctrl-C still closes the store.
    const stopped = waitForStopSignal(logger);

    // The server (every listener and service) is loaded only here, not for `stoa serve --help`.
    const { ListenError, startServer } = await import('../../main.ts');
    let server;
    try {
      server = await startServer(config, logger);
    } catch (err) {
      if (err instanceof ListenError) throw new CliFailure(err.message, { cause: err });
      throw err;
    }
    const startedInMs = performance.now() - started;
    logger.info({ http: server.http, startedInMs: Math.round(startedInMs), firstStart: server.firstStart.created }, 'stoa started');
    const warnings: StartWarning[] = [];
    // MX records, HELO and certificates need a fully-qualified name; the machine's short name is only a default.
    if (!config.hostname.includes('.')) {
      warnings.push({ message: `hostname "${config.hostname}" is not a fully-qualified domain name`, fix: 'set hostname in the configuration file or STOA_HOSTNAME to the name MX records point at, e.g. mail.example.com' });
      logger.warn({ hostname: config.hostname }, 'hostname is not a fully-qualified domain name; set hostname or STOA_HOSTNAME');
    }
    const exposure = describeExposure(config.dataDir, await scanPermissions(config.dataDir, START_PERMISSION_SCAN_LIMIT));
    if (exposure) {
      warnings.push(exposure);
      logger.warn({ dataDir: config.dataDir, fix: exposure.fix }, `data directory: ${exposure.message}`);
    }
    ctx.out(renderBanner({ version: pkg.version, startedInMs, config, configFile: file, http: server.http, imap: server.imap, imaps: server.imaps, pop3: server.pop3, pop3s: server.pop3s, managesieve: server.managesieve, smtp: server.smtp, firstStart: server.firstStart, warnings }));

    await stopped;
    const timer = setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await server.close();
    } finally {
      clearTimeout(timer);
    }
    logger.info('stopped');
    return 0;
  },
});

