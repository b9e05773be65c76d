// `stoa` entry point: finds the command, parses its options, runs it and
// turns every failure into one line on stderr and exit code 1 — operators
// see "error: … (STOA_CODE)", never a stack trace.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { isStoaError } from '../errors/catalogue.ts';
import { PRIVATE_UMASK } from '../operations/data-dir-permissions.ts';
import { COMMAND_GROUPS } from './command-index.ts';
import { CliFailure, UsageError, type Command, type CommandGroup, type OptionValues } from './command.ts';
import type { CliContext, CliIo } from './context.ts';

const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

const GLOBAL_HELP = [
  'Options for every command:',
  '  -c, --config FILE   configuration file (default: $STOA_CONFIG, else ./stoa.yaml if present)',
  '  --json              machine-readable output',
  '  -h, --help          this help',
];

function topHelp(): string {
  const width = Math.max(...[...COMMAND_GROUPS.keys()].map((k) => k.length));
  return [
    'usage: stoa COMMAND [options]',
    '',
    'Commands:',
    ...[...COMMAND_GROUPS.values()].map((g) => `  ${g.name.padEnd(width)}  ${g.summary}${g.subcommands === null ? '' : ` (${g.subcommands.join(', ')})`}`),
    '',
    ...GLOBAL_HELP,
    '',
    'Run "stoa COMMAND --help" for the options of one command.',
  ].join('\n');
}

function usageLine(group: CommandGroup, cmd: Command): string {
  return `stoa ${group.standalone ? group.name : `${group.name} ${cmd.name}`}${cmd.usage ? ` ${cmd.usage}` : ''}`;
}

function commandHelp(group: CommandGroup, cmd: Command): string {
  return [`usage: ${usageLine(group, cmd)}`, '', `${cmd.summary[0].toUpperCase()}${cmd.summary.slice(1)}.`, ...(cmd.details?.length ? ['', ...cmd.details.map((d) => `  ${d}`)] : []), '', ...GLOBAL_HELP].join('\n');
}

function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  return [`usage: stoa ${group.name} SUBCOMMAND [options]`, '', `${group.summary[0].toUpperCase()}${group.summary.slice(1)}:`,
    ...group.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', `Run "stoa ${group.name} SUBCOMMAND --help" for details.`].join('\n');
}

function checkPositionals(group: CommandGroup, cmd: Command, positionals: string[]): void {
  const [min, max] = typeof cmd.positionals === 'number' ? [cmd.positionals, cmd.positionals] : cmd.positionals;
  if (positionals.length < min) throw new UsageError('missing arguments', usageLine(group, cmd));
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, usageLine(group, cmd));
}

export function reportError(err: unknown, stderr: NodeJS.WritableStream): void {
  if (err instanceof CliFailure) {
    stderr.write(`error: ${err.message}\n`);
    if (err instanceof UsageError && err.usage) stderr.write(`usage: ${err.usage}\n`);
  } else if (isStoaError(err, 'STOA_CONFIG_INVALID')) {
    for (const e of err.errors ?? [{ path: '', message: err.detail ?? err.message }]) stderr.write(`config error: ${e.path ? `${e.path}: ` : ''}${e.message}\n`);
  } else if (isStoaError(err)) {
    const fields = err.errors?.length ? `\n${err.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}` : '';
    stderr.write(`error: ${err.message} (${err.code})${fields}\n`);
  } else {
    stderr.write(`error: ${err instanceof Error ? err.message : String(err)} (STOA_INTERNAL)\n`);
  }
}

/** Runs one invocation; returns the exit code. `io` lets tests run it in-process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let ctx: CliContext | null = null;
  try {
    // Global options may come before the command: `stoa --config x domain list`.
    const rest = [...argv];
    const leading: string[] = [];
    while (rest.length > 0 && rest[0].startsWith('-')) {
      const arg = rest.shift()!;
      leading.push(arg);
      if ((arg === '--config' || arg === '-c') && rest.length > 0) leading.push(rest.shift()!);
    }
    const groupName = rest.shift();
    const entry = groupName ? COMMAND_GROUPS.get(groupName) : undefined;
    if (!entry) {
      if (groupName === undefined || groupName === 'help') {
        io.stdout.write(`${topHelp()}\n`);
        return groupName === undefined && !leading.some((a) => a === '--help' || a === '-h') ? 1 : 0;
      }
      throw new UsageError(`unknown command "${groupName}"; run "stoa --help" for the list`);
    }
    // Only the group asked for is loaded (command-index.ts).
    const group: CommandGroup = await entry.load();
    let cmd: Command | undefined;
    if (group.standalone) cmd = group.commands[0];
    else {
      const sub = rest[0] !== undefined && !rest[0].startsWith('-') ? rest.shift() : undefined;
      cmd = sub !== undefined ? group.commands.find((c) => c.name === sub) : undefined;
      if (!cmd) {
        if (sub === undefined && [...leading, ...rest].some((a) => a === '--help' || a === '-h')) {
          io.stdout.write(`${groupHelp(group)}\n`);
          return 0;
        }
        io.stderr.write(`${sub === undefined ? 'error: missing subcommand' : `error: unknown subcommand "${sub}"`}\n${groupHelp(group)}\n`);
        return 1;
      }
    }
    let parsed;
    try {
      parsed = parseArgs({ args: [...leading, ...rest], options: { ...GLOBAL_OPTIONS, ...cmd.options }, allowPositionals: true, allowNegative: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usageLine(group, cmd));
    }
    const { positionals } = parsed;
    const values: OptionValues = parsed.values;
    // allowNegative reads "--no-forward" as forward=false even when "no-forward" is itself an option.
    for (const name of Object.keys(cmd.options ?? {})) {
      const base = name.slice(3);
      if (name.startsWith('no-') && !(base in (cmd.options ?? {})) && values[base] === false) {
        values[name] = true;
        delete values[base];
      }
    }
    if (values.help) {
      io.stdout.write(`${commandHelp(group, cmd)}\n`);
      return 0;
    }
    checkPositionals(group, cmd, positionals);
    // Loaded only now: help and usage errors never read the configuration (YAML, schema) or touch the store.
    const { CliContext } = await import('./context.ts');
    ctx = new CliContext(io, { json: values.json === true, configPath: typeof values.config === 'string' ? values.config : null });
    return await cmd.run(ctx, { positionals, values });
  } catch (err) {
    reportError(err, io.stderr);
    return 1;
  } finally {
    await ctx?.close().catch((err: unknown) => reportError(err, io.stderr));
  }
}

/** The process entry point used by bin/stoa.js. */
export async function main(): Promise<void> {
  // Everything Stoa writes under the data directory (database, -wal/-shm,
  // blobs, spool, TLS key, backups) is for the server's user only (docs/security.md).
  process.umask(PRIVATE_UMASK);
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  process.exitCode = code;
}
