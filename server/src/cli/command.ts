// What a CLI command is: a name, its help text, its options (node:util
// parseArgs) and an async handler that returns the exit code. Groups such as
// `stoa domain` list their subcommands; `serve` and `doctor` stand alone.
import type { ParseArgsOptionsConfig } from 'node:util';
import type { CliContext } from './context.ts';

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandInput {
  positionals: string[];
  values: OptionValues;
}

export interface Command {
  name: string;
  summary: string;
  /** Arguments after the command name, e.g. "NAME [--description TEXT]". */
  usage: string;
  /** Extra lines for --help: what each option means. */
  details?: string[];
  options?: ParseArgsOptionsConfig;
  /** Exact number of positionals, or [min, max]. */
  positionals: number | [number, number];
  run(ctx: CliContext, input: CommandInput): Promise<number>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  /** A group with one unnamed command (serve, doctor) runs it directly. */
  commands: Command[];
  standalone?: boolean;
}

/** The group of a standalone command: it bears the command's name and runs it directly. */
export function standaloneGroup(summary: string, command: Command): CommandGroup {
  return { name: command.name, summary, standalone: true, commands: [command] };
}

/** A failure the operator can act on, printed as "error: <message>" without a code or stack. */
export class CliFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliFailure';
  }
}

/** A mistake in how the command was called: shown with the usage line, exit code 1. */
export class UsageError extends CliFailure {
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

export function stringOpt(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOpt(values: OptionValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function flagOpt(values: OptionValues, name: string): boolean | undefined {
  const v = values[name];
  return typeof v === 'boolean' ? v : undefined;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "500M", "2G", "0" (unlimited) or a plain byte count. */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--${option}: expected a size such as 500M, 2G or 0 for unlimited (got "${text}")`);
  const value = Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()];
  if (!Number.isSafeInteger(value)) throw new UsageError(`--${option}: ${text} is too large`);
  return value;
}

export function parseCount(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${option}: expected a whole number (got "${text}")`);
  return Number(text);
}
