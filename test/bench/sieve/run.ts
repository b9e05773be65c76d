// Sieve at delivery: evaluateDelivery() throughput over the real mail
// corpus with no script, with a realistic 50-rule script (rules as users set
// them through /api/v1/me/rules: senders, subjects, a few body words, To/Cc,
// sizes; move, copy, flag, forward, stop), and the same with an out-of-office
// whose vacation memory is a real SQLite store. Prints messages/s, CPU per
// message (process.cpuUsage of this process, which is where delivery runs)
// and RSS, and the share of the recorded SMTP intake CPU per message
// (docs/benchmarks.md) the rules would add. Asserts nothing.
// Usage: node test/bench/sieve/run.ts [--rounds N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OutOfOffice } from '../../../shared/src/schemas/sieve.ts';
import { benchRules as rules } from './bench-rules.ts';
import { indexMessage } from '../../../server/src/mail/mime/index.ts';
import type { MessageIndex } from '../../../server/src/mail/mime/types.ts';
import { compileScript } from '../../../server/src/sieve/compiler.ts';
import { evaluateDelivery, type DeliveryScripts } from '../../../server/src/sieve/evaluate-delivery.ts';
import { generateScript } from '../../../server/src/sieve/rules-script.ts';
import type { VacationMemory } from '../../../server/src/sieve/vacation.ts';
import { openSqliteStore } from '../../../server/src/store/open-store.ts';
import { CORPUS } from '../../support/corpus.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } });
const ROUNDS = Number(values.rounds);
/** Server CPU per 1 KiB message at 10 connections, SMTP intake benchmark of 2026-11-27 (docs/benchmarks.md). */
const INTAKE_CPU_MS = 2.10;

function corpus(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...corpus(path));
    else if (name.endsWith('.eml')) out.push(readFileSync(path));
  }
  return out;
}

const OOO: OutOfOffice = {
  enabled: true, start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z', replyIntervalDays: 7,
  internal: { subject: 'Away', message: 'Back soon.' }, external: { enabled: true, subject: 'Out of office', message: 'I am away.' },
};

const bundle = (source: string): DeliveryScripts['personal'] => ({ name: 'stoa-rules', main: compileScript(source), includes: new Map() });

async function measure(label: string, messages: Buffer[], indexes: (MessageIndex | undefined)[], scripts: DeliveryScripts, memory: VacationMemory): Promise<number> {
  const mailboxes = new Set(['INBOX', 'Trash', ...Array.from({ length: 50 }, (_, i) => `Folders/F${i}`)]);
  // Warm-up: JIT and the compiled-regex caches.
  for (const [i, m] of messages.entries()) await run(m, indexes[i], i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  let actions = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, m] of messages.entries()) {
      actions += (await run(m, indexes[i], r * messages.length + i)).actions.length;
      n++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerMsg = (cpu.user + cpu.system) / 1000 / n;
  console.log(`${label.padEnd(52)} ${(n / seconds).toFixed(0).padStart(8)} msg/s  ${(cpuMsPerMsg * 1000).toFixed(1).padStart(7)} µs CPU/msg  ${(actions / n).toFixed(2)} actions/msg  RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  return cpuMsPerMsg;

  function run(raw: Buffer, index: MessageIndex | undefined, i: number) {
    return evaluateDelivery({
      scripts, message: raw, ...(index ? { index } : {}),
      envelope: { sender: `sender${i % 500}@outside.example`, recipient: 'user@corp.example' },
      recipient: { accountId: 'bench', address: 'user@corp.example', addresses: ['user@corp.example'] },
      verdict: { junk: false, spamScore: 2 }, mailboxExists: (name) => mailboxes.has(name),
      now: Date.parse('2026-06-01T12:00:00Z'), localZone: 0, vacationMemory: memory, hostname: 'bench.example',
    });
  }
}

const messages = corpus(CORPUS);
const indexes = messages.map((m) => indexMessage(m));
const dir = await mkdtemp(join(tmpdir(), 'stoa-bench-sieve-'));
const store = await openSqliteStore({ path: join(dir, 'stoa.db'), blobsPath: join(dir, 'blobs') });
const noMemory: VacationMemory = { claim: async () => true };
const rulesScript = generateScript({ rules: rules(), outOfOffice: null }, ['corp.example']);
const withOoo = generateScript({ rules: rules(), outOfOffice: OOO }, ['corp.example']);
console.log(`Sieve delivery benchmark: ${messages.length} corpus messages × ${ROUNDS} rounds; 50-rule script of ${Buffer.byteLength(rulesScript)} octets`);
try {
  const none = await measure('no script', messages, indexes, { global: null, personal: null }, noMemory);
  const withIndex = await measure('50 rules (MIME index from intake)', messages, indexes, { global: null, personal: bundle(rulesScript) }, noMemory);
  const noIndex = await measure('50 rules (message parsed by Sieve)', messages, messages.map(() => undefined), { global: null, personal: bundle(rulesScript) }, noMemory);
  const ooo = await measure('50 rules + out-of-office (SQLite vacation memory)', messages, indexes, { global: null, personal: bundle(withOoo) }, store.sieveVacation);
  console.log('');
  console.log(`Added CPU per message by 50 rules: ${((withIndex - none) * 1000).toFixed(1)} µs with the intake's MIME index, ${((noIndex - none) * 1000).toFixed(1)} µs without; with out-of-office ${((ooo - none) * 1000).toFixed(1)} µs.`);
  console.log(`Against ${INTAKE_CPU_MS} ms server CPU per 1 KiB message at SMTP intake (docs/benchmarks.md): +${(((withIndex - none) / INTAKE_CPU_MS) * 100).toFixed(1)} % (index shared), +${(((noIndex - none) / INTAKE_CPU_MS) * 100).toFixed(1)} % (own parse). Target after integration: under 10 % fewer delivered msg/s.`);
} finally {
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
