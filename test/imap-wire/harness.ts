// Drives the wire reader the way a session would: feeds bytes in chunks and
// collects events, optionally refusing continuations.
import { CommandReader, type ReaderEvent, type ReaderOptions } from '../../server/src/protocols/imap/wire/index.ts';

export function readAll(input: string | Buffer, options: Partial<ReaderOptions> = {}, chunkSize = Infinity): ReaderEvent[] {
  const reader = new CommandReader(options);
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const events: ReaderEvent[] = [];
  const step = Number.isFinite(chunkSize) ? chunkSize : Math.max(1, bytes.length);
  for (let i = 0; i < bytes.length; i += step) {
    reader.push(bytes.subarray(i, i + step));
    for (let ev = reader.next(); ev; ev = reader.next()) events.push(ev);
  }
  return events;
}

/** The single command or error the input produces (continuations and literal events dropped). */
export function parseOne(input: string | Buffer, options: Partial<ReaderOptions> = {}): ReaderEvent {
  const events = readAll(input, options).filter((e) => e.kind === 'command' || e.kind === 'error');
  if (events.length !== 1) throw new Error(`expected one command, got ${JSON.stringify(events.map((e) => e.kind))}`);
  return events[0];
}

export const set = (...ranges: Array<[number | '*', number | '*']>) => ({ ranges: ranges.map(([from, to]) => ({ from, to })), saved: false });

/** JSON for assertion messages; bigints as "123n". */
export const show = (value: unknown): string => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
