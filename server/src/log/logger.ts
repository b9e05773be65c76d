// The process logger: pino, JSON lines on stderr. stderr keeps stdout free
// for what the operator asked for (the start-up banner, `--json` output of
// CLI commands); service managers and containers capture both.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { StoaConfig } from '../config/types.ts';

export type { Logger };

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

/** One readable line per entry ("12:00:01 INFO  listening port=8080"), for a person watching a terminal. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toISOString().slice(11, 19);
  const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [time, level, entry.msg ?? '', ...fields].join(' ').trimEnd();
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}

export interface LoggerOptions {
  /** Where lines go; stderr unless a test captures them. */
  destination?: NodeJS.WritableStream;
  /** Overrides config.log.level, e.g. quieter CLI commands. */
  level?: StoaConfig['log']['level'];
}

export function createLogger(config: Pick<StoaConfig, 'log'>, opts: LoggerOptions = {}): Logger {
  const out = opts.destination ?? process.stderr;
  const stream = config.log.pretty ? prettyStream(out) : out;
  return pino({
    level: opts.level ?? config.log.level,
    base: { pid: process.pid },
    // Secrets must never reach the log, whichever module logs a request or a config.
    redact: { paths: ['password', '*.password', 'adminPassword', '*.adminPassword', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  }, stream);
}
