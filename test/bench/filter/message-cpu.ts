// The filter pipeline's CPU per message (issue 8), in process: the DATA stage
// (filter.evaluateMessage: mail authentication, headers, trace, content,
// classifier …) on the SMTP benchmark's messages — 1 KiB and 100 KiB of plain
// 7-bit text lines (test/bench/smtp/run.ts), the worst case for text
// scanning — and on the shared corpus (real spam, ham and other mail). DNS
// goes to 127.0.0.1:9, where nothing listens, as in the other benchmarks.
//
// Printed per message kind: the whole DATA stage's CPU per message, and the
// content check's text work alone (the phrase families, disguised words,
// forms, prices: contentCheck's run), both after a warm-up, with the load
// average. --profile DIR writes a V8 CPU profile of the timed rounds.
//
//   node test/bench/filter/message-cpu.ts [--rounds N] [--profile DIR]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { contentCheck } from '../../../server/src/filter/checks/content-checks.ts';
import type { CheckDeps } from '../../../server/src/filter/checks/check-deps.ts';
import { createMessageView } from '../../../server/src/filter/message-view.ts';
import type { FilterContext } from '../../../server/src/filter/pipeline-types.ts';
import { scoreTable } from '../../../server/src/filter/rules.ts';
import { CORPUS } from '../../support/corpus.ts';
import { judge, openBenchFilter } from './bench-filter.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string' }, profile: { type: 'string' } } });
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The SMTP benchmark's message: its client's header and bodyOf's lines. */
function benchMessage(bytes: number, i: number): Buffer {
  const line = `${'0123456789abcdef'.repeat(5).slice(0, 74)}\r\n`;
  const body = line.repeat(Math.max(1, Math.floor((bytes - 200) / line.length)));
  const head = `From: bench@remote.example\r\nTo: alice@demo.stoa.test\r\nSubject: bench r0.0 ${i}\r\n`
    + `Date: ${new Date().toUTCString()}\r\nMessage-ID: <r0.0.${i}@remote.example>\r\n`
    + 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n';
  return Buffer.from(head + body, 'latin1');
}

function corpusMessages(): Buffer[] {
  const out: Buffer[] = [];
  for (const category of readdirSync(CORPUS).filter((c) => statSync(join(CORPUS, c)).isDirectory()).sort()) {
    for (const name of readdirSync(join(CORPUS, category)).filter((n) => n.endsWith('.eml')).sort()) out.push(readFileSync(join(CORPUS, category, name)));
  }
  return out;
}

const { config, filter, close } = await openBenchFilter('filter-message-cpu');
const profiler = args.profile ? new Session() : null;
try {
  const content = contentCheck({ config, scores: scoreTable({}) } as unknown as CheckDeps);
  const contentOnly = async (raw: Buffer): Promise<void> => {
    const message = createMessageView(raw, raw.length, () => Readable.from([raw]), config.filter.maxScanBytes);
    await content.run({ message } as unknown as FilterContext, new AbortController().signal);
  };
  const corpus = corpusMessages();
  const kinds: Array<{ label: string; messages: Buffer[]; rounds: number }> = [
    { label: '1 KiB plain text', messages: Array.from({ length: 50 }, (_, i) => benchMessage(1024, i)), rounds: 40 },
    { label: '100 KiB plain text', messages: Array.from({ length: 50 }, (_, i) => benchMessage(100 * 1024, i)), rounds: 10 },
    { label: `corpus (${corpus.length} messages)`, messages: corpus, rounds: 2 },
  ];
  const scale = args.rounds ? Number(args.rounds) / 10 : 1;
  console.log(`filter CPU per message, in process; load average ${load()}\n`);
  console.log('| messages | DATA stage CPU ms/msg | content check CPU ms/msg |');
  console.log('|---|---|---|');
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
  }
  for (const kind of kinds) {
    const rounds = Math.max(1, Math.round(kind.rounds * scale));
    const measure = async (fn: (raw: Buffer) => Promise<void>): Promise<number> => {
      for (const raw of kind.messages) await fn(raw);
      if (profiler) await profiler.post('Profiler.start');
      const cpu0 = process.cpuUsage();
      for (let r = 0; r < rounds; r++) for (const raw of kind.messages) await fn(raw);
      const cpu = process.cpuUsage(cpu0);
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(join(args.profile!, `${kind.label.replace(/\W+/g, '-')}-${fn === contentOnly ? 'content' : 'stage'}.cpuprofile`), JSON.stringify(profile));
      }
      return (cpu.user + cpu.system) / 1000 / (rounds * kind.messages.length);
    };
    const stage = await measure(async (raw) => { await judge(filter, raw, { address: 'alice@demo.stoa.test', domain: 'demo.stoa.test' }); });
    const text = await measure(contentOnly);
    console.log(`| ${kind.label} | ${stage.toFixed(3)} | ${text.toFixed(3)} |`);
  }
  await filter.verdicts.flush();
  console.log(`\nload average ${load()}`);
} finally {
  profiler?.disconnect();
  await close();
}
