// How well the statistical classifier alone tells spam from ham on the
// shared corpus, to judge a change of its tokens or its combining honestly
// (run.ts weighs its BAYES_* rules by training size, so its effect on the
// verdicts there is small until it has learned 200 messages of each class).
//
// Printed, with the tokens and the combining of filter/bayes-classifier.ts
// and counts kept in memory as the store keeps them:
//   - split A and B as in run.ts (each class sorted by name, alternated;
//     trained on one half, judging the other), and leave-one-out over the
//     54 spam and ham messages: the area under the ROC curve (0.5 = chance,
//     1 = every spam above every ham) and how many messages land at 80 % or
//     more (BAYES_80 and up) or at 20 % or less;
//   - trained on all 54, the 338 other messages of the corpus (bounces,
//     invitations, lists, signed and legacy-charset mail: none is spam):
//     how many it calls spam. A token change that raises the splits' AUC
//     by learning where the training messages came from shows here.
//
//   node test/bench/filter/classifier-report.ts [--verbose]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../../server/src/config/schema.ts';
import { messageTokens, spamProbability } from '../../../server/src/filter/bayes-classifier.ts';
import { createMessageView } from '../../../server/src/filter/message-view.ts';
import type { BayesTotals } from '../../../server/src/store/filter-port.ts';
import { CORPUS } from '../../support/corpus.ts';

const { values: args } = parseArgs({ options: { verbose: { type: 'boolean', default: false } } });
const config = defaultConfig();
const { maxTokens } = config.filter.bayes;

interface Sample { name: string; cls: 'spam' | 'ham' | 'other'; tokens: string[] }

function load(category: string, cls: Sample['cls']): Sample[] {
  return readdirSync(join(CORPUS, category)).filter((n) => n.endsWith('.eml')).sort().map((name) => {
    const raw = readFileSync(join(CORPUS, category, name));
    const view = createMessageView(raw, raw.length, () => Readable.from([raw]), config.filter.maxScanBytes);
    return { name: `${category}/${name}`, cls, tokens: messageTokens(view) };
  });
}

function train(samples: readonly Sample[]): { counts: Map<string, BayesTotals>; totals: BayesTotals } {
  const counts = new Map<string, BayesTotals>();
  const totals = { spam: 0, ham: 0 };
  for (const s of samples) {
    if (s.cls === 'other') continue;
    totals[s.cls]++;
    for (const t of new Set(s.tokens)) {
      const c = counts.get(t) ?? { spam: 0, ham: 0 };
      c[s.cls]++;
      counts.set(t, c);
    }
  }
  return { counts, totals };
}

interface Judged { s: Sample; p: number }

/** Area under the ROC curve: the chance that a random spam scores above a random ham (ties count half). */
function auc(judged: readonly Judged[]): number {
  const spam = judged.filter((j) => j.s.cls === 'spam');
  const ham = judged.filter((j) => j.s.cls === 'ham');
  let wins = 0;
  for (const a of spam) for (const b of ham) wins += a.p > b.p ? 1 : a.p === b.p ? 0.5 : 0;
  return wins / Math.max(1, spam.length * ham.length);
}

function line(label: string, judged: readonly Judged[]): void {
  const of = (cls: Sample['cls'], test: (p: number) => boolean) => `${judged.filter((j) => j.s.cls === cls && test(j.p)).length}/${judged.filter((j) => j.s.cls === cls).length}`;
  console.log(`| ${label} | ${auc(judged).toFixed(3)} | ${of('spam', (p) => p >= 0.8)} | ${of('ham', (p) => p >= 0.8)} | ${of('ham', (p) => p <= 0.2)} |`);
  if (args.verbose) for (const j of [...judged].sort((a, b) => a.p - b.p)) console.log(`    ${j.p.toFixed(3)} ${j.s.name}`);
}

const judge = (model: ReturnType<typeof train>, s: Sample): Judged => ({ s, p: spamProbability(s.tokens, model.counts, model.totals, maxTokens).probability });

const spam = load('spam', 'spam');
const ham = load('ham', 'ham');
const others = readdirSync(CORPUS).filter((c) => c !== 'spam' && c !== 'ham' && statSync(join(CORPUS, c)).isDirectory()).sort().flatMap((c) => load(c, 'other'));
console.log(`corpus ${CORPUS}: ${spam.length} spam, ${ham.length} ham, ${others.length} other; at most ${maxTokens} tokens of evidence\n`);
console.log('| evaluation | AUC | spam at ≥ 0.8 | ham at ≥ 0.8 | ham at ≤ 0.2 |');
console.log('|---|---|---|---|---|');
for (const split of ['A', 'B'] as const) {
  const half = (list: Sample[], training: boolean) => list.filter((_, i) => (i % 2 === 0) === (training === (split === 'A')));
  const model = train([...half(spam, true), ...half(ham, true)]);
  line(`split ${split}`, [...half(spam, false), ...half(ham, false)].map((s) => judge(model, s)));
}
const labelled = [...spam, ...ham];
line('leave-one-out', labelled.map((s) => judge(train(labelled.filter((x) => x !== s)), s)));
const all = train(labelled);
const judgedOthers = others.map((s) => judge(all, s));
const count = (test: (p: number) => boolean) => judgedOthers.filter((j) => test(j.p)).length;
console.log(`\ntrained on all ${labelled.length}, the ${others.length} other messages (none spam): ${count((p) => p >= 0.8)} at ≥ 0.8, ${count((p) => p >= 0.95)} at ≥ 0.95, ${count((p) => p <= 0.2)} at ≤ 0.2`);
if (args.verbose) for (const j of judgedOthers.filter((x) => x.p >= 0.8).sort((a, b) => b.p - a.p)) console.log(`    ${j.p.toFixed(3)} ${j.s.name}`);
