// Runs a script against a message the way delivery does, and summarises the
// actions as short strings ("fileinto:Name[\\Flag]", "keep", "redirect:a@b")
// so that table tests read like the RFC examples they come from.
import type { SieveAction } from '../../server/src/sieve/actions.ts';
import { compileScript, DEFAULT_COMPILE_OPTIONS, type CompileOptions } from '../../server/src/sieve/compiler.ts';
import type { CompiledScript } from '../../server/src/sieve/ir.ts';
import { runScripts, type RunResult } from '../../server/src/sieve/interpreter.ts';
import { createMessageView } from '../../server/src/sieve/message-view.ts';

export interface RunOptions {
  envelope?: { from: string; to: string };
  spam?: { score: number | null; percent: number | null };
  virus?: number | null;
  mailboxes?: readonly string[];
  now?: number;
  localZone?: number;
  includes?: Record<string, string>;
  compile?: Partial<CompileOptions>;
}

export function message(headers: Record<string, string | string[]>, body = 'Hello.\r\n'): Buffer {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) for (const v of [value].flat()) lines.push(`${name}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

export function summary(a: SieveAction): string {
  const flags = (f: string[]) => (f.length > 0 ? `[${f.join(' ')}]` : '');
  switch (a.type) {
    case 'keep': return `keep${flags(a.flags)}`;
    case 'fileinto': return `fileinto:${a.mailbox}${flags(a.flags)}${a.create ? ':create' : ''}`;
    case 'redirect': return `redirect:${a.address}`;
    case 'reject': return `${a.ereject ? 'ereject' : 'reject'}:${a.reason}`;
    case 'discard': return 'discard';
    case 'vacation': return `vacation:${a.vacation.reason}`;
  }
}

export function run(source: string, raw: Buffer, opts: RunOptions = {}): RunResult & { summary: string[] } {
  const options = { ...DEFAULT_COMPILE_OPTIONS, ...opts.compile };
  const script = compileScript(source, options);
  const includes = new Map<string, CompiledScript>();
  for (const [key, src] of Object.entries(opts.includes ?? {})) includes.set(key, compileScript(src, options));
  const result = runScripts([{ script, key: 'personal:main' }], {
    message: createMessageView(raw),
    envelope: opts.envelope ?? { from: 'sender@example.org', to: 'me@example.com' },
    spam: opts.spam ?? { score: null, percent: null },
    virus: opts.virus ?? null,
    mailboxExists: (name) => (opts.mailboxes ?? ['INBOX']).includes(name),
    now: opts.now ?? Date.parse('2026-03-10T12:00:00Z'),
    localZone: opts.localZone ?? 0,
    resolveInclude: (location, name) => includes.get(`${location}:${name}`) ?? null,
  });
  return { ...result, summary: result.actions.map(summary) };
}
