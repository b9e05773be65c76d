// `stoa migrate SOURCE …`: imports one mailbox (--from/--to) or many (--users
// CSV) from a source, with progress bars, a job record the admin API shows
// live, the final report, and an exit code that says whether anything
// failed (0 all imported, 2 finished with failures, 130 interrupted).
// `stoa migrate list|show|cancel` look at jobs. docs/cli.md and
// docs/migration.md describe every option.
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ParseArgsOptionsConfig } from 'node:util';
import { keepAlive } from '../../../server/src/migration-jobs/job-runner.ts';
import type { MigrationJobService } from '../../../server/src/migration-jobs/job-service.ts';
import { CliFailure, UsageError, flagOpt, listOpt, parseCount, parseSize, stringOpt, type Command, type CommandGroup, type OptionValues } from '../../../server/src/cli/command.ts';
import type { CliContext } from '../../../server/src/cli/context.ts';
import { renderTable } from '../../../server/src/cli/table.ts';
import { memoryCheckpoints } from '../engine/checkpoints.ts';
import type { MigrationReport } from '../engine/report.ts';
import { FILE_SOURCES, sourceLabel, type JobSecrets, type JobSpec, type OptionsSpec, type SourceSpec, type UserSpec } from '../job-spec.ts';
import { ITEM_KINDS, type ItemKind } from '../model.ts';
import { runJob } from '../run-job.ts';
import { parseUsersCsv, UsersCsvError } from '../users-csv.ts';
import { terminalProgress } from './progress-bars.ts';
import { renderReport } from './report-text.ts';
import { migrationWiring } from './wiring.ts';

export const EXIT_FAILURES = 2;
export const EXIT_INTERRUPTED = 130;

const COMMON: ParseArgsOptionsConfig = {
  from: { type: 'string' }, to: { type: 'string' }, users: { type: 'string' },
  'password-file': { type: 'string' }, 'password-env': { type: 'string' },
  'create-accounts': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, kinds: { type: 'string' },
  concurrency: { type: 'string' }, 'per-source-concurrency': { type: 'string' }, 'max-rate': { type: 'string' },
  'folder-map': { type: 'string', multiple: true }, prefix: { type: 'string' }, 'max-message-size': { type: 'string' },
  'sample-size': { type: 'string' }, report: { type: 'string' }, progress: { type: 'boolean' }, 'spool-dir': { type: 'string' },
};

const COMMON_DETAILS = [
  'Who: --from IDENTITY --to ADDRESS for one mailbox (IDENTITY is the login, mailbox',
  'address or file path at the source), or --users FILE.csv for many (columns source,',
  'target, and optionally source_password, create, display_name, account_password, quota).',
  '--password-file FILE / --password-env VAR: the source password (or token) of --from.',
  '--create-accounts: create missing Stoa accounts (the CSV column "create" overrides it).',
  '--dry-run: read and check everything, write nothing.  --kinds message,event,task,contact',
  '--concurrency N (users at once, 4)  --per-source-concurrency N (per source host, 2)',
  '--max-rate N (items per second per source host)  --max-message-size SIZE',
  '--folder-map "Source/Path=Target/Path" (repeat; empty target leaves the folder out;',
  '"Source/*=Target" maps a subtree)  --prefix FOLDER (non-special folders go below it)',
  '--report FILE: write the final report as JSON.  --no-progress: no progress bars.',
  'Exit code: 0 everything imported, 2 finished with failures, 130 interrupted, 1 error.',
];

function secretFrom(values: OptionValues, env: NodeJS.ProcessEnv, file: string, variable: string): string | null {
  const path = stringOpt(values, file);
  if (path) {
    try {
      return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new CliFailure(`cannot read --${file} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const name = stringOpt(values, variable);
  if (name) {
    const v = env[name];
    if (v === undefined) throw new CliFailure(`--${variable} ${name}: the variable is not set`);
    return v;
  }
  return null;
}

function count(values: OptionValues, name: string): number | undefined {
  const v = stringOpt(values, name);
  return v === undefined ? undefined : parseCount(v, name);
}

function options(values: OptionValues): OptionsSpec {
  const kinds = stringOpt(values, 'kinds')?.split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds ?? []) if (!ITEM_KINDS.includes(k as ItemKind)) throw new UsageError(`--kinds: unknown kind "${k}" (message, event, task, contact)`);
  const size = stringOpt(values, 'max-message-size');
  return {
    ...(kinds ? { kinds: kinds as ItemKind[] } : {}),
    dryRun: flagOpt(values, 'dry-run') ?? false,
    concurrency: count(values, 'concurrency'),
    perSourceConcurrency: count(values, 'per-source-concurrency'),
    maxRate: count(values, 'max-rate'),
    folderMap: listOpt(values, 'folder-map'),
    prefix: stringOpt(values, 'prefix') ?? null,
    maxMessageSize: size === undefined ? undefined : parseSize(size, 'max-message-size'),
    sampleSize: count(values, 'sample-size'),
  };
}

function users(ctx: CliContext, values: OptionValues): { users: UserSpec[]; secrets: JobSecrets } {
  const csv = stringOpt(values, 'users');
  const create = flagOpt(values, 'create-accounts') ?? false;
  if (csv) {
    if (stringOpt(values, 'from') || stringOpt(values, 'to')) throw new UsageError('give either --users or --from/--to');
    try {
      return parseUsersCsv(readFileSync(csv, 'utf8'), { create });
    } catch (err) {
      if (err instanceof UsersCsvError) throw new CliFailure(`${csv}: ${err.message}`);
      throw new CliFailure(`cannot read --users ${csv}: ${(err as Error).message}`);
    }
  }
  const from = stringOpt(values, 'from');
  const to = stringOpt(values, 'to');
  if (!from || !to) throw new UsageError('say whose mail to import: --from IDENTITY --to ADDRESS, or --users FILE.csv');
  return {
    users: [{ source: from, target: to.toLowerCase(), create }],
    secrets: { users: [secretFrom(values, ctx.io.env, 'password-file', 'password-env')] },
  };
}

/** Runs a migration from the CLI; returns the exit code. */
async function migrate(ctx: CliContext, source: SourceSpec, values: OptionValues, admin: string | null): Promise<number> {
  const who = users(ctx, values);
  const spec: JobSpec = { source, users: who.users, options: options(values) };
  const secrets: JobSecrets = { ...who.secrets, admin };
  const { services } = await ctx.open();
  const wiring = migrationWiring(services, ctx.actor);
  const dryRun = spec.options?.dryRun === true;
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const showProgress = !ctx.json && flagOpt(values, 'progress') !== false;
  const view = showProgress ? terminalProgress(ctx.io.stderr as NodeJS.WritableStream & { isTTY?: boolean }) : null;
  let latest: MigrationReport | null = null;
  // A dry run leaves no trace: no job record, checkpoints in memory.
  const job = dryRun ? null : await wiring.jobs.create(ctx.actor, {
    origin: 'cli', status: 'running', runner: `cli:${hostname()}:${process.pid}`, targets: spec.users.map((u) => u.target), spec,
  });
  const heartbeat = job ? keepAlive(wiring.jobs, ctx.actor, job.id, () => latest, controller, 5000) : null;
  if (job && !ctx.json) ctx.err(`migration job ${job.id} (GET /api/v1/migrations/${job.id})`);
  let report: MigrationReport;
  try {
    report = await runJob(spec, secrets, {
      sink: wiring.sink, directory: wiring.directory, checkpoints: dryRun ? memoryCheckpoints() : wiring.checkpoints,
      signal: controller.signal, spoolDir: stringOpt(values, 'spool-dir'),
      onProgress: (r) => {
        latest = r;
        view?.update(r);
      },
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  latest = report;
  view?.done(report);
  const interrupted = controller.signal.aborted;
  if (heartbeat && job) {
    await heartbeat.stop();
    await wiring.jobs.finish(ctx.actor, job.id, { status: interrupted ? 'interrupted' : report.ok ? 'done' : 'failed', report });
  }
  const file = stringOpt(values, 'report');
  if (file) writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  ctx.emit(report, () => renderReport(report));
  return interrupted ? EXIT_INTERRUPTED : report.ok ? 0 : EXIT_FAILURES;
}

const sourceCommand = (name: string, summary: string, extra: ParseArgsOptionsConfig, details: string[], build: (values: OptionValues, ctx: CliContext) => { source: SourceSpec; admin: string | null }): Command => ({
  name, summary, usage: '(--from IDENTITY --to ADDRESS | --users FILE.csv) [options]', positionals: 0,
  options: { ...COMMON, ...extra }, details: [...details, ...COMMON_DETAILS],
  async run(ctx, { values }) {
    const { source, admin } = build(values, ctx);
    return migrate(ctx, source, values, admin);
  },
});

const need = (values: OptionValues, name: string): string => {
  const v = stringOpt(values, name);
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
};

const imapCommand = sourceCommand('imap', 'import mail from an IMAP server (Exchange, Dovecot, Gmail, Kerio, Zimbra …)', {
  host: { type: 'string' }, port: { type: 'string' }, tls: { type: 'string' }, insecure: { type: 'boolean' },
  'admin-user': { type: 'string' }, 'admin-password-file': { type: 'string' }, 'admin-password-env': { type: 'string' },
  oauth: { type: 'boolean' }, 'gmail-all-mail': { type: 'boolean' },
}, [
  '--host HOST [--port N] [--tls implicit|starttls|none] [--insecure: do not verify the certificate]',
  '--admin-user LOGIN --admin-password-file F: a master login acting as every user (SASL authzid)',
  '--oauth: the passwords are OAuth 2.0 access tokens   --gmail-all-mail: import Gmail\'s All Mail as Archive',
], (values, ctx) => {
  const tls = stringOpt(values, 'tls') ?? 'implicit';
  if (!['implicit', 'starttls', 'none'].includes(tls)) throw new UsageError('--tls must be implicit, starttls or none');
  return {
    source: {
      type: 'imap', host: need(values, 'host'), ...(stringOpt(values, 'port') ? { port: parseCount(stringOpt(values, 'port')!, 'port') } : {}),
      tls: tls as 'implicit', verifyCertificate: !(flagOpt(values, 'insecure') ?? false),
      ...(stringOpt(values, 'admin-user') ? { adminUser: stringOpt(values, 'admin-user') } : {}),
      oauth: flagOpt(values, 'oauth') ?? false, gmailAllMail: flagOpt(values, 'gmail-all-mail') ?? false,
    },
    admin: secretFrom(values, ctx.io.env, 'admin-password-file', 'admin-password-env'),
  };
});

const ewsCommand = sourceCommand('ews', 'import mail, calendars, contacts and tasks from Exchange through EWS', {
  url: { type: 'string' }, auth: { type: 'string' }, impersonate: { type: 'boolean' }, insecure: { type: 'boolean' },
  'admin-user': { type: 'string' }, 'admin-password-file': { type: 'string' }, 'admin-password-env': { type: 'string' }, 'token-file': { type: 'string' },
}, [
  '--url https://mail.example.com/EWS/Exchange.asmx  [--auth basic|bearer]  [--insecure]',
  '--impersonate --admin-user SVC --admin-password-file F: a service account with ApplicationImpersonation',
  '  acts as each mailbox (IDENTITY = its SMTP address); with --auth bearer, --token-file F holds its token.',
  'Without --impersonate each user\'s own password (or token with --auth bearer) is used.',
], (values, ctx) => {
  const auth = stringOpt(values, 'auth') ?? 'basic';
  if (auth !== 'basic' && auth !== 'bearer') throw new UsageError('--auth must be basic or bearer');
  const impersonation = flagOpt(values, 'impersonate') ?? false;
  const admin = secretFrom(values, ctx.io.env, auth === 'bearer' ? 'token-file' : 'admin-password-file', 'admin-password-env');
  if (impersonation && !admin) throw new UsageError('--impersonate needs the service account\'s --admin-password-file (or --token-file with --auth bearer)');
  return {
    source: {
      type: 'ews', url: need(values, 'url'), auth, impersonation, verifyCertificate: !(flagOpt(values, 'insecure') ?? false),
      ...(stringOpt(values, 'admin-user') ? { adminUser: stringOpt(values, 'admin-user') } : {}),
    },
    admin,
  };
});

const davCommand = sourceCommand('dav', 'import calendars, tasks and contacts from a CalDAV/CardDAV server', {
  url: { type: 'string' }, 'carddav-url': { type: 'string' }, auth: { type: 'string' }, insecure: { type: 'boolean' },
}, [
  '--url URL (server root, well-known URI, principal or home)  [--carddav-url URL]  [--auth basic|bearer]  [--insecure]',
], (values) => {
  const auth = stringOpt(values, 'auth') ?? 'basic';
  if (auth !== 'basic' && auth !== 'bearer') throw new UsageError('--auth must be basic or bearer');
  return {
    source: {
      type: 'dav', url: need(values, 'url'), auth, verifyCertificate: !(flagOpt(values, 'insecure') ?? false),
      ...(stringOpt(values, 'carddav-url') ? { carddavUrl: stringOpt(values, 'carddav-url') } : {}),
    },
    admin: null,
  };
});

const fileCommands = FILE_SOURCES.map((type) => sourceCommand(type, `import ${{
  pst: 'an Outlook PST file (mail, calendar, contacts, tasks)', mbox: 'mbox files (one file or a tree)', maildir: 'a Maildir tree',
  eml: '.eml files (one file or a tree)', ics: 'iCalendar .ics files', vcf: 'vCard .vcf files', csv: 'an Outlook CSV contacts export',
}[type]}`, {}, ['IDENTITY (--from, or the CSV\'s source column) is the path of the file or directory.'], () => ({ source: { type }, admin: null })));

function jobTable(ctx: CliContext, items: Awaited<ReturnType<MigrationJobService['list']>>['items']): string {
  return renderTable(items, [
    { header: 'id', value: (j) => j.id },
    { header: 'status', value: (j) => j.status },
    { header: 'origin', value: (j) => j.origin },
    { header: 'source', value: (j) => sourceLabel((j.spec as JobSpec).source) },
    { header: 'users', value: (j) => (j.spec as JobSpec).users.length },
    { header: 'imported', value: (j) => (j.report as MigrationReport | null)?.totals.imported ?? '' },
    { header: 'failed', value: (j) => (j.report as MigrationReport | null)?.totals.failed ?? '' },
    { header: 'created', value: (j) => j.createdAt },
  ]);
}

const listCommand: Command = {
  name: 'list', summary: 'list migration jobs, newest first', usage: '[--status STATUS]', positionals: 0,
  options: { status: { type: 'string' } },
  async run(ctx, { values }) {
    const { jobs } = (await ctx.open()).services.migrations;
    const page = await jobs.list(ctx.actor, { limit: 100, status: stringOpt(values, 'status') as never });
    ctx.emit(page, () => (page.items.length === 0 ? 'No migration jobs.' : jobTable(ctx, page.items)));
    return 0;
  },
};

const showCommand: Command = {
  name: 'show', summary: 'show a migration job with its report', usage: 'ID', positionals: 1,
  async run(ctx, { positionals }) {
    const job = await (await ctx.open()).services.migrations.jobs.get(ctx.actor, positionals[0]);
    ctx.emit(job, () => [`job ${job.id}: ${job.status}${job.error ? ` (${job.error})` : ''}`, job.report ? renderReport(job.report as MigrationReport) : 'No report yet.'].join('\n'));
    return 0;
  },
};

const cancelCommand: Command = {
  name: 'cancel', summary: 'cancel a queued or running migration job', usage: 'ID', positionals: 1,
  async run(ctx, { positionals }) {
    const job = await (await ctx.open()).services.migrations.jobs.cancel(ctx.actor, positionals[0]);
    ctx.emit(job, () => `job ${job.id} cancelled; it stops at its next heartbeat`);
    return 0;
  },
};

export const migrateCommands: CommandGroup = {
  name: 'migrate',
  summary: 'import mailboxes, calendars and contacts from other servers and files',
  commands: [imapCommand, ewsCommand, davCommand, ...fileCommands, listCommand, showCommand, cancelCommand],
};
